/** Wall time and throughput per pipeline stage, for run records and `npm run bench:*` tables. */
export interface StageTiming {
  stage: string
  seconds: number
  /** bars processed per second (input bars of the stage) */
  barsPerSecond: number
}

export class StageClock {
  private readonly rows: StageTiming[] = []
  private bars = 0

  setBars(n: number): void {
    this.bars = n
  }

  async time<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now()
    const r = await fn()
    this.record(stage, t0, r)
    return r
  }

  timeSync<T>(stage: string, fn: () => T): T {
    const t0 = performance.now()
    const r = fn()
    this.record(stage, t0, r)
    return r
  }

  private record(stage: string, t0: number, r: unknown): void {
    const seconds = (performance.now() - t0) / 1000
    // ingest learns the bar count from its own result
    const n = this.bars || ((r as { bars?: { length?: number } })?.bars?.length ?? 0)
    if (!this.bars) this.bars = n
    this.rows.push({ stage, seconds, barsPerSecond: seconds > 0 ? n / seconds : Infinity })
  }

  timings(): StageTiming[] {
    return this.rows.slice()
  }
}
