import type { JsonObject } from '../../contracts/component.ts'
import type { SerializedError } from '../../contracts/errors.ts'
import type { FoldRecord, MetricRecord, RunStatus } from '../../contracts/runs.ts'
import type { CreateRunInput, RunStore } from '../../store/index.ts'
import type { OnRunEvent } from './events.ts'

/**
 * The runner's only door to the run store. Without a store every call is a no-op, so the runner
 * has one code path. Results are written as they are produced; the last metrics and the
 * `finished` status go in ONE transaction, so a run never reads as finished with missing metrics,
 * and a run that fails or is cancelled keeps what it wrote but is marked as such.
 */
export class RunRecorder {
  runId: number | null = null
  private status: RunStatus | null = null

  constructor(private readonly store: RunStore | undefined, private readonly emit: OnRunEvent) {}

  start(input: Omit<CreateRunInput, 'status'>): number | null {
    if (this.store) this.runId = this.store.createRun({ ...input, status: 'running' }).id
    this.status = 'running'
    this.emit({ type: 'run', runId: this.runId, status: 'running' })
    return this.runId
  }

  folds(records: readonly FoldRecord[]): void {
    if (this.store && this.runId !== null) this.store.saveFolds(this.runId, records)
  }

  predictions(model: string, output: string, fold: number, barIndex: Int32Array, values: Float64Array, ts: Float64Array): void {
    if (this.store && this.runId !== null) this.store.saveOof(this.runId, { model, output, fold, barIndex, values, ts })
  }

  finish(metrics: readonly MetricRecord[], summary: JsonObject): void {
    if (this.store && this.runId !== null) {
      const { store, runId } = this
      store.transaction(() => {
        store.saveMetrics(runId, metrics)
        store.setRunStatus(runId, 'finished', { summary })
      })
    }
    this.end('finished')
  }

  /** Mark the run failed or cancelled; never throws over the original error. */
  abort(status: 'failed' | 'cancelled', error: SerializedError): void {
    if (this.status !== 'running') return
    if (this.store && this.runId !== null) {
      try {
        this.store.setRunStatus(this.runId, status, { error })
      } catch (e) {
        this.emit({ type: 'log', level: 'warn', message: `could not mark run ${this.runId} ${status}: ${(e as Error).message}` })
      }
    }
    this.end(status)
  }

  private end(status: RunStatus): void {
    this.status = status
    this.emit({ type: 'run', runId: this.runId, status })
  }
}
