import { FactoryError } from '../../contracts/errors.ts'
import { formatBarSize, type Bars } from '../bars.ts'
import type { SessionCalendar } from '../calendar/sessionCalendar.ts'

/**
 * Session-aware OHLCV resampling (e.g. 1m → 5m/15m/30m/1h/4h/1d).
 *
 * Buckets come from `calendar.bucket`: anchored at the start of the trading segment and cut at the
 * next closure, so a CME 4h bar starts at 17:00 CT (not at an epoch multiple) and no bar spans the
 * daily halt or the weekend. Only buckets that hold at least one source bar produce an output bar:
 * filling empty buckets would invent prices that never traded.
 *
 * Besides the bars, each output row carries what the as-of join of higher-timeframe features needs:
 * the bucket end (the instant the bar is complete; shorter than `barMs` when cut by a closure), the
 * index of its last source bar, and how many source bars it aggregated.
 */

export interface ResampledBars extends Bars {
  /** bucket size this series was resampled to, in ms */
  readonly barMs: number
  /** exclusive end of each output bar's bucket, epoch ms UTC (≤ ts + barMs) */
  readonly bucketEnd: Float64Array
  /** index into the source bars of the last bar aggregated into each output bar */
  readonly lastSourceIndex: Int32Array
  /** number of source bars aggregated into each output bar */
  readonly sourceCount: Uint32Array
}

/**
 * What to do with a source bar at a time the calendar calls closed. Such bars have no session
 * anchor; the validation stage reports them. 'raise' (default) refuses, 'drop' leaves them out of
 * every bucket (the count is returned so the caller can report it).
 */
export type OffSessionPolicy = 'raise' | 'drop'
export const OFF_SESSION_POLICIES: readonly OffSessionPolicy[] = ['raise', 'drop']

export interface ResampleOptions {
  offSession?: OffSessionPolicy
  /** config path used in error messages */
  path?: string
}

const STANDARD_SIZES_MS = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 14_400_000, 86_400_000]

/** Standard bar sizes (as '5m', '1h', …) that a series of `fromBarMs` bars can be resampled to. */
export function validTargetSizes(fromBarMs: number): string[] {
  return STANDARD_SIZES_MS.filter((ms) => ms >= fromBarMs && ms % fromBarMs === 0).map(formatBarSize)
}

function checkSizes(fromBarMs: number, toBarMs: number, path: string): void {
  const wholeMinutes = (ms: number) => Number.isInteger(ms) && ms > 0 && ms % 60_000 === 0
  if (!wholeMinutes(fromBarMs)) {
    throw new FactoryError('E_BAR_SIZE', `source bar size ${fromBarMs} ms at ${path} is not a positive whole number of minutes (session calendars work on a 1-minute grid); valid: ${STANDARD_SIZES_MS.map(formatBarSize).join(', ')}`, {
      path,
      value: fromBarMs,
      valid: STANDARD_SIZES_MS.map(formatBarSize),
    })
  }
  if (!wholeMinutes(toBarMs) || toBarMs % fromBarMs !== 0) {
    const valid = validTargetSizes(fromBarMs)
    const shown = wholeMinutes(toBarMs) ? formatBarSize(toBarMs) : `${toBarMs} ms`
    throw new FactoryError('E_BAR_SIZE', `cannot resample ${formatBarSize(fromBarMs)} bars to ${shown} at ${path}: the target must be a whole multiple of the source bar size; valid: ${valid.join(', ')}`, {
      path,
      value: { from: formatBarSize(fromBarMs), to: shown },
      valid,
    })
  }
}

function where(bars: Bars, i: number): string {
  const line = bars.line ? ` (line ${bars.line[i]})` : ''
  const file = bars.source !== undefined ? `${bars.source}: ` : ''
  return `${file}bar ${i}${line} at ${new Date(bars.ts[i]).toISOString()}`
}

export interface ResampleResult {
  bars: ResampledBars
  /** source bars left out under offSession 'drop' */
  droppedOffSession: number
}

/**
 * Aggregate `bars` (sorted ascending, `fromBarMs` apart or more) into `toBarMs` buckets of the
 * calendar in one O(n) pass: open = first open, high = max, low = min, close = last close,
 * volume = sum, ts = bucket start. The calendar is consulted once per output bucket, not per bar.
 */
export function resampleBarsDetailed(bars: Bars, fromBarMs: number, toBarMs: number, calendar: SessionCalendar, opts: ResampleOptions = {}): ResampleResult {
  const path = opts.path ?? 'data.resample'
  const policy = opts.offSession ?? 'raise'
  if (!OFF_SESSION_POLICIES.includes(policy)) {
    throw new FactoryError('E_CONFIG', `unknown off-session policy '${policy}' at ${path}.off_session; known: ${OFF_SESSION_POLICIES.join(', ')}`, {
      path: `${path}.off_session`,
      value: policy,
      valid: OFF_SESSION_POLICIES,
    })
  }
  checkSizes(fromBarMs, toBarMs, path)

  const n = bars.length
  const { ts, open, high, low, close, volume } = bars
  // Output can never have more rows than the input; trimmed with one copy at the end.
  const oTs = new Float64Array(n)
  const oOpen = new Float64Array(n)
  const oHigh = new Float64Array(n)
  const oLow = new Float64Array(n)
  const oClose = new Float64Array(n)
  const oVol = new Float64Array(n)
  const oEnd = new Float64Array(n)
  const oLast = new Int32Array(n)
  const oCount = new Uint32Array(n)

  let m = -1 // index of the open output bar
  let curStart = 0
  let curEnd = -Infinity
  let prevTs = -Infinity
  let dropped = 0
  for (let i = 0; i < n; i++) {
    const t = ts[i]
    if (!(t > prevTs)) {
      throw new FactoryError('E_VALIDATION', `${where(bars, i)} is not after the previous bar (${new Date(prevTs).toISOString()}); resampling needs bars sorted ascending without duplicates — run validation first`, {
        path,
        value: t,
        ...(bars.line ? { line: bars.line[i] } : {}),
        ...(bars.source !== undefined ? { file: bars.source } : {}),
      })
    }
    prevTs = t
    if (t >= curEnd) {
      if (calendar.segment(t) === null) {
        if (policy === 'drop') {
          dropped++
          continue
        }
        throw new FactoryError('E_VALIDATION', `${where(bars, i)} falls outside the trading sessions of calendar '${calendar.spec.name}', so it has no session bucket; fix the data or choose ${path}.off_session: drop (valid: ${OFF_SESSION_POLICIES.join(', ')})`, {
          path: `${path}.off_session`,
          value: new Date(t).toISOString(),
          valid: OFF_SESSION_POLICIES,
          ...(bars.line ? { line: bars.line[i] } : {}),
          ...(bars.source !== undefined ? { file: bars.source } : {}),
        })
      }
      const b = calendar.bucket(t, toBarMs)
      curStart = b.start
      curEnd = b.end
      m++
      oTs[m] = curStart
      oEnd[m] = curEnd
      oOpen[m] = open[i]
      oHigh[m] = high[i]
      oLow[m] = low[i]
      oClose[m] = close[i]
      oVol[m] = volume[i]
      oLast[m] = i
      oCount[m] = 1
    } else {
      const h = high[i]
      const l = low[i]
      if (h > oHigh[m]) oHigh[m] = h
      if (l < oLow[m]) oLow[m] = l
      oClose[m] = close[i]
      oVol[m] += volume[i]
      oLast[m] = i
      oCount[m]++
    }
    // A bar off the session's fromBarMs grid would straddle two target buckets.
    if ((t - curStart) % fromBarMs !== 0) {
      throw new FactoryError('E_VALIDATION', `${where(bars, i)} is not on the ${formatBarSize(fromBarMs)} grid anchored at its session bucket start ${new Date(curStart).toISOString()}; it would straddle two ${formatBarSize(toBarMs)} bars`, {
        path,
        value: new Date(t).toISOString(),
        ...(bars.line ? { line: bars.line[i] } : {}),
        ...(bars.source !== undefined ? { file: bars.source } : {}),
      })
    }
  }

  const len = m + 1
  const out: ResampledBars = {
    length: len,
    barMs: toBarMs,
    ts: oTs.slice(0, len),
    open: oOpen.slice(0, len),
    high: oHigh.slice(0, len),
    low: oLow.slice(0, len),
    close: oClose.slice(0, len),
    volume: oVol.slice(0, len),
    bucketEnd: oEnd.slice(0, len),
    lastSourceIndex: oLast.slice(0, len),
    sourceCount: oCount.slice(0, len),
    ...(bars.source !== undefined ? { source: bars.source } : {}),
  }
  return { bars: out, droppedOffSession: dropped }
}

/** `resampleBarsDetailed(...).bars`: the resampled series with its bucket ends and source indices. */
export function resampleBars(bars: Bars, fromBarMs: number, toBarMs: number, calendar: SessionCalendar, opts: ResampleOptions = {}): ResampledBars {
  return resampleBarsDetailed(bars, fromBarMs, toBarMs, calendar, opts).bars
}
