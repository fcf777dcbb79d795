/**
 * Timestamp parsing from bytes: ISO 8601 and epoch numbers, without Date.parse (which accepts
 * '2024-02-30' by rolling it into March, and is slow per row).
 *
 * ISO forms: `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS[.fff…]]`, then optionally
 * `Z` or `±HH:MM` / `±HHMM` / `±HH`. Date-only means 00:00. Fractions beyond milliseconds are
 * truncated (bars live on a millisecond grid). Month, day-of-month (leap years included), hour,
 * minute and second are range-checked, so month 13 and Feb 30 are unparseable, not shifted.
 *
 * Epoch units: 's', 'ms', 'us', 'ns', or 'auto', which decides per value by the count of integer
 * digits: ≤ 11 digits → seconds (below 1e11 s, i.e. before year 5138), 12–14 → milliseconds,
 * 15–17 → microseconds, ≥ 18 → nanoseconds. Per value rather than per file because real feeds
 * switch units mid-history (Binance moved spot klines from ms to µs on 2025-01-01). Units finer than
 * ms are reduced by dropping digits, not by floating division, so 19-digit nanosecond stamps stay
 * exact at the millisecond.
 */

export type EpochUnit = 's' | 'ms' | 'us' | 'ns' | 'auto'
export const EPOCH_UNITS: readonly EpochUnit[] = ['s', 'ms', 'us', 'ns', 'auto']

/** Result flag of the last parseIso call: did the text carry its own offset (Z or ±HH:MM)? */
export const isoState = { hadOffset: false }

function digit(buf: Uint8Array, i: number): number {
  const d = buf[i] - 48
  return d >= 0 && d <= 9 ? d : -1000
}

function two(buf: Uint8Array, i: number): number {
  return digit(buf, i) * 10 + digit(buf, i + 1)
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Looks like ISO (YYYY-…) rather than an epoch number: decides `timestamp_format: auto` per value. */
export function looksIso(buf: Uint8Array, s: number, e: number): boolean {
  return e - s >= 10 && buf[s + 4] === 45
}

/**
 * ISO timestamp in buf[s, e) as milliseconds on the UTC scale: the UTC instant when the text had an
 * offset (isoState.hadOffset = true), else the local wall time to be converted by the caller. NaN if invalid.
 */
export function parseIso(buf: Uint8Array, s: number, e: number): number {
  isoState.hadOffset = false
  if (e - s < 10 || buf[s + 4] !== 45 || buf[s + 7] !== 45) return NaN
  const y = digit(buf, s) * 1000 + digit(buf, s + 1) * 100 + two(buf, s + 2)
  const mo = two(buf, s + 5)
  const d = two(buf, s + 8)
  if (y < 0 || mo < 1 || mo > 12 || d < 1) return NaN
  if (d > (mo === 2 && isLeap(y) ? 29 : MONTH_DAYS[mo - 1])) return NaN
  let ms = daysFromCivil(y, mo, d) * 86_400_000
  let i = s + 10
  if (i === e) return ms
  const sep = buf[i]
  if (sep !== 84 && sep !== 32 && sep !== 116) return NaN // 'T', ' ', 't'
  i++
  if (e - i < 5 || buf[i + 2] !== 58) return NaN
  const h = two(buf, i)
  const mi = two(buf, i + 3)
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN
  ms += h * 3_600_000 + mi * 60_000
  i += 5
  if (i < e && buf[i] === 58) {
    if (e - i < 3) return NaN
    const sec = two(buf, i + 1)
    if (sec < 0 || sec > 59) return NaN
    ms += sec * 1000
    i += 3
    if (i < e && (buf[i] === 46 || buf[i] === 44)) {
      i++
      let scale = 100
      const f0 = i
      while (i < e && digit(buf, i) >= 0) {
        ms += digit(buf, i) * scale
        scale /= 10
        i++
      }
      if (i === f0) return NaN
      ms = Math.floor(ms)
    }
  }
  if (i === e) return ms
  const z = buf[i]
  if ((z === 90 || z === 122) && i + 1 === e) {
    isoState.hadOffset = true
    return ms
  }
  if (z !== 43 && z !== 45) return NaN
  const oh = two(buf, i + 1)
  let om = 0
  if (e - i === 3) om = 0
  else if (e - i === 6 && buf[i + 3] === 58) om = two(buf, i + 4)
  else if (e - i === 5) om = two(buf, i + 3)
  else return NaN
  if (oh < 0 || oh > 18 || om < 0 || om > 59) return NaN
  const off = (oh * 60 + om) * 60_000
  isoState.hadOffset = true
  return z === 43 ? ms - off : ms + off
}

/** Epoch number in buf[s, e) converted to milliseconds; NaN if it is not a plain number. */
export function parseEpoch(buf: Uint8Array, s: number, e: number, unit: EpochUnit): number {
  let i = s
  let neg = false
  if (i < e && (buf[i] === 45 || buf[i] === 43)) {
    neg = buf[i] === 45
    i++
  }
  while (i < e - 1 && buf[i] === 48) i++ // leading zeros do not count toward the magnitude
  const intStart = i
  while (i < e && digit(buf, i) >= 0) i++
  const intEnd = i
  let fracStart = -1
  let fracEnd = -1
  if (i < e && buf[i] === 46) {
    fracStart = ++i
    while (i < e && digit(buf, i) >= 0) i++
    fracEnd = i
  }
  if (i !== e || (intEnd === intStart && fracEnd <= fracStart)) return NaN
  const n = intEnd - intStart
  let u = unit
  if (u === 'auto') u = n <= 11 ? 's' : n <= 14 ? 'ms' : n <= 17 ? 'us' : 'ns'
  // drop the sub-millisecond digits of us/ns; scale seconds by taking three fraction digits
  const dropDigits = u === 'us' ? 3 : u === 'ns' ? 6 : 0
  let ms = 0
  for (let k = intStart; k < intEnd - dropDigits; k++) ms = ms * 10 + (buf[k] - 48)
  if (u === 's') {
    ms *= 1000
    if (fracStart >= 0) {
      let scale = 100
      for (let k = fracStart; k < fracEnd && scale >= 1; k++, scale /= 10) ms += (buf[k] - 48) * scale
    }
  }
  return neg ? -ms : ms
}
