import { utcToLocalMs } from '../calendar/timezone.ts'
import { lineOf, type CheckContext } from './context.ts'
import { isoUtc, showNumber } from './findings.ts'

const PRICE_COLS = ['open', 'high', 'low', 'close'] as const

/**
 * The checks that look at one row alone, in one pass in file order: nan_or_empty,
 * non_positive_price, high_below_low, open_close_outside_range, zero_volume, outside_session.
 * A row can fail several; each check counts it. Comparisons with NaN are false, so a NaN cell is
 * reported once, by nan_or_empty, and not again as a range or price problem. The range check is
 * skipped when high < low: with no valid range, "open outside it" says nothing new.
 */
export function runRowChecks(c: CheckContext): void {
  const { bars: b, keep, logs, policies, file, calendar } = c
  const { ts, open, high, low, close, volume } = b
  const nanLog = logs.nan_or_empty
  const posLog = logs.non_positive_price
  const hlLog = logs.high_below_low
  const rangeLog = logs.open_close_outside_range
  const volLog = logs.zero_volume
  const sessLog = logs.outside_session
  const dropNan = policies.nan_or_empty === 'drop'
  const dropPos = policies.non_positive_price === 'drop'
  const dropHl = policies.high_below_low === 'drop'
  const dropRange = policies.open_close_outside_range === 'drop'
  const dropVol = policies.zero_volume === 'drop'
  const dropSess = policies.outside_session === 'drop'
  const tz = calendar.spec.timeZone
  const vals = [open, high, low, close, volume]
  const names = ['open', 'high', 'low', 'close', 'volume']

  for (let i = 0; i < b.length; i++) {
    const o = open[i]
    const h = high[i]
    const l = low[i]
    const cl = close[i]
    const v = volume[i]
    // x - x is 0 for finite x and NaN for NaN/±Infinity: one test covers the five cells
    if (o - o + (h - h) + (l - l) + (cl - cl) + (v - v) !== 0) {
      if (nanLog.hit()) {
        let k = 0
        while (Number.isFinite(vals[k][i])) k++
        const x = vals[k][i]
        nanLog.keep({ file, line: lineOf(c, i), column: names[k], value: showNumber(x), message: Number.isNaN(x) ? 'value is empty or NaN' : `value '${x}' is not finite` })
      }
      if (dropNan) keep[i] = 0
    }
    if (o <= 0 || h <= 0 || l <= 0 || cl <= 0) {
      if (posLog.hit()) {
        const k = o <= 0 ? 0 : h <= 0 ? 1 : l <= 0 ? 2 : 3
        const x = vals[k][i]
        posLog.keep({ file, line: lineOf(c, i), column: PRICE_COLS[k], value: showNumber(x), message: `value '${showNumber(x)}' is not a positive price` })
      }
      if (dropPos) keep[i] = 0
    }
    if (h < l) {
      if (hlLog.hit()) hlLog.keep({ file, line: lineOf(c, i), column: 'high', value: showNumber(h), message: `value '${showNumber(h)}' is below low ${showNumber(l)}` })
      if (dropHl) keep[i] = 0
    } else if (o > h || o < l || cl > h || cl < l) {
      if (rangeLog.hit()) {
        const isOpen = o > h || o < l
        const x = isOpen ? o : cl
        const above = x > h
        rangeLog.keep({
          file,
          line: lineOf(c, i),
          column: isOpen ? 'open' : 'close',
          value: showNumber(x),
          message: `value '${showNumber(x)}' is ${above ? `above high ${showNumber(h)}` : `below low ${showNumber(l)}`}`,
        })
      }
      if (dropRange) keep[i] = 0
    }
    if (v <= 0) {
      if (volLog.hit()) volLog.keep({ file, line: lineOf(c, i), column: 'volume', value: showNumber(v), message: v === 0 ? `value '0' is zero volume` : `value '${showNumber(v)}' is negative volume` })
      if (dropVol) keep[i] = 0
    }
    if (!calendar.isOpen(ts[i])) {
      if (sessLog.hit()) {
        const local = new Date(utcToLocalMs(tz, ts[i]))
        const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.getUTCDay()]
        sessLog.keep({
          file,
          line: lineOf(c, i),
          column: 'timestamp',
          value: isoUtc(ts[i]),
          message: `bar at ${isoUtc(ts[i])} (${wd} ${local.toISOString().slice(0, 16).replace('T', ' ')} ${tz}) is outside the '${calendar.spec.name}' session: the market is closed then`,
        })
      }
      if (dropSess) keep[i] = 0
    }
  }
}
