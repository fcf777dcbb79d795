import { FactoryError } from '../contracts/errors.ts'

/**
 * One contract's OHLCV bars as columns of typed arrays (struct of arrays): cache-friendly for the
 * feature loops and free to hand to workers. `ts` is the bar OPEN time in epoch milliseconds UTC.
 * Rows are sorted ascending with no duplicate timestamps once validation has passed.
 */
export interface Bars {
  readonly length: number
  readonly ts: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
  /** 1-based source line of each bar, kept so later findings can still name the line. */
  readonly line?: Uint32Array
  /** source file path, for messages */
  readonly source?: string
}

export const BAR_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const
export type BarColumn = (typeof BAR_COLUMNS)[number]

export function allocBars(n: number, withLines = false): {
  length: number
  ts: Float64Array
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
  volume: Float64Array
  line?: Uint32Array
} {
  return {
    length: n,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    ...(withLines ? { line: new Uint32Array(n) } : {}),
  }
}

/** Rows [start, end) as a new Bars sharing no memory with the input. */
export function sliceBars(b: Bars, start: number, end: number): Bars {
  const s = Math.max(0, start)
  const e = Math.min(b.length, end)
  return {
    length: Math.max(0, e - s),
    ts: b.ts.slice(s, e),
    open: b.open.slice(s, e),
    high: b.high.slice(s, e),
    low: b.low.slice(s, e),
    close: b.close.slice(s, e),
    volume: b.volume.slice(s, e),
    ...(b.line ? { line: b.line.slice(s, e) } : {}),
    ...(b.source !== undefined ? { source: b.source } : {}),
  }
}

/** Keep the rows where keep[i] is true. */
export function filterBars(b: Bars, keep: Uint8Array): Bars {
  let n = 0
  for (let i = 0; i < b.length; i++) if (keep[i]) n++
  const out = allocBars(n, b.line !== undefined)
  let j = 0
  for (let i = 0; i < b.length; i++) {
    if (!keep[i]) continue
    out.ts[j] = b.ts[i]
    out.open[j] = b.open[i]
    out.high[j] = b.high[i]
    out.low[j] = b.low[i]
    out.close[j] = b.close[i]
    out.volume[j] = b.volume[i]
    if (out.line && b.line) out.line[j] = b.line[i]
    j++
  }
  return b.source !== undefined ? { ...out, source: b.source } : out
}

/** Parse '1m', '5m', '15m', '1h', '4h', '1d' into milliseconds. */
export function parseBarSize(s: string, path = 'bar_size'): number {
  const m = /^(\d+)\s*(s|m|min|h|d)$/.exec(String(s).trim())
  if (!m || Number(m[1]) <= 0) {
    throw new FactoryError('E_BAR_SIZE', `invalid bar size '${s}' at ${path}; use a positive whole number with s, m, h or d (e.g. 1m, 5m, 15m, 1h, 4h, 1d)`, {
      path,
      value: s,
      valid: ['1m', '5m', '15m', '30m', '1h', '4h', '1d'],
    })
  }
  const unit = m[2] === 's' ? 1000 : m[2] === 'h' ? 3_600_000 : m[2] === 'd' ? 86_400_000 : 60_000
  return Number(m[1]) * unit
}

export function formatBarSize(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  return `${ms / 1000}s`
}
