import type { Bars } from '../bars.ts'

/**
 * Growable typed columns for bars being parsed. Capacity doubles, so appends are amortised O(1)
 * and memory tracks the number of bars, never the size of the text.
 */
export class ColumnBuilder {
  length = 0
  ts: Float64Array
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
  volume: Float64Array
  line: Uint32Array

  constructor(capacity = 1 << 16) {
    const c = Math.max(16, capacity)
    this.ts = new Float64Array(c)
    this.open = new Float64Array(c)
    this.high = new Float64Array(c)
    this.low = new Float64Array(c)
    this.close = new Float64Array(c)
    this.volume = new Float64Array(c)
    this.line = new Uint32Array(c)
  }

  get capacity(): number {
    return this.ts.length
  }

  /** Makes room for one more row; call before writing index `length`. */
  reserve(): void {
    if (this.length < this.ts.length) return
    const c = this.ts.length * 2
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(c)
      b.set(a)
      return b
    }
    this.ts = grow(this.ts, (n) => new Float64Array(n))
    this.open = grow(this.open, (n) => new Float64Array(n))
    this.high = grow(this.high, (n) => new Float64Array(n))
    this.low = grow(this.low, (n) => new Float64Array(n))
    this.close = grow(this.close, (n) => new Float64Array(n))
    this.volume = grow(this.volume, (n) => new Float64Array(n))
    this.line = grow(this.line, (n) => new Uint32Array(n))
  }

  /** Exact-length columns; copies so the spare capacity is released. */
  finish(source: string): Bars {
    const n = this.length
    return {
      length: n,
      ts: this.ts.slice(0, n),
      open: this.open.slice(0, n),
      high: this.high.slice(0, n),
      low: this.low.slice(0, n),
      close: this.close.slice(0, n),
      volume: this.volume.slice(0, n),
      line: this.line.slice(0, n),
      source,
    }
  }
}
