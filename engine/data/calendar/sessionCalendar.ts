import { FactoryError } from '../../contracts/errors.ts'
import { assertTimeZone, utcToLocalMs } from './timezone.ts'

/**
 * An instrument's trading calendar in exchange-local time: weekly open/close, daily breaks and
 * holidays, possibly different in different eras (CME moved its equity halts in 2021).
 *
 * A *segment* is a continuous stretch of trading between two closures (for a 24×7 market, one local
 * day). Resampling anchors higher-timeframe buckets at segment starts and never lets a bucket span
 * a closure; gap checks count only bars the calendar says should exist.
 * All boundaries are whole minutes, so the calendar is evaluated on a one-minute grid.
 */

export interface SessionBreak {
  /** local 'HH:MM', inclusive */
  start: string
  /** local 'HH:MM', exclusive; may be earlier than start (wraps midnight) */
  end: string
}

export interface SessionEra {
  /** last local date (YYYY-MM-DD, inclusive) this era applies to; omitted = open-ended */
  until?: string
  /** null = trades around the clock, every day */
  weekly: { open: { day: number; time: string }; close: { day: number; time: string } } | null
  breaks: SessionBreak[]
}

export interface SessionCalendarSpec {
  name: string
  timeZone: string
  /** eras ordered by `until`; the last has no `until` */
  eras: SessionEra[]
  /** local dates (YYYY-MM-DD) with no trading at all */
  holidays?: string[]
}

export interface SessionCalendar {
  readonly spec: SessionCalendarSpec
  isOpen(utcMs: number): boolean
  /** [start, end) in UTC ms of the trading segment containing utcMs; null if closed then. */
  segment(utcMs: number): { start: number; end: number } | null
  /** Higher-timeframe bucket [start, end) containing utcMs, anchored at the segment start and cut at the segment end. */
  bucket(utcMs: number, barMs: number): { start: number; end: number }
  /** Number of in-session bar starts strictly between two bar starts (the bars a gap lost). */
  missingBars(prevUtcMs: number, nextUtcMs: number, barMs: number): number
}

const MINUTE = 60_000
const DAY = 86_400_000
/** longest segment we will walk: a full week of continuous trading */
const MAX_SEGMENT_MINUTES = 8 * 1440

function hhmm(s: string, path: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s)
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) {
    throw new FactoryError('E_CONFIG', `invalid local time '${s}' at ${path}; use HH:MM (24-hour)`, { path, value: s })
  }
  return Number(m[1]) * 60 + Number(m[2])
}

interface CompiledEra {
  untilDay: number // local epoch day, inclusive; Infinity if open-ended
  open: number // minute of week (Sunday 00:00 = 0), or -1 when 24x7
  close: number
  breaks: [number, number][]
}

export function createSessionCalendar(spec: SessionCalendarSpec, path = 'calendar'): SessionCalendar {
  assertTimeZone(spec.timeZone, `${path}.timeZone`)
  if (!spec.eras.length) throw new FactoryError('E_CONFIG', `calendar '${spec.name}' has no eras at ${path}.eras`, { path: `${path}.eras` })
  const eras: CompiledEra[] = spec.eras.map((e, i) => ({
    untilDay: e.until ? Math.floor(Date.parse(`${e.until}T00:00:00Z`) / DAY) : Infinity,
    open: e.weekly ? e.weekly.open.day * 1440 + hhmm(e.weekly.open.time, `${path}.eras[${i}].weekly.open`) : -1,
    close: e.weekly ? e.weekly.close.day * 1440 + hhmm(e.weekly.close.time, `${path}.eras[${i}].weekly.close`) : -1,
    breaks: e.breaks.map((b, j) => [hhmm(b.start, `${path}.eras[${i}].breaks[${j}].start`), hhmm(b.end, `${path}.eras[${i}].breaks[${j}].end`)]),
  }))
  const holidays = new Set((spec.holidays ?? []).map((d) => Math.floor(Date.parse(`${d}T00:00:00Z`) / DAY)))
  const tz = spec.timeZone
  const allDay = eras.every((e) => e.open < 0 && e.breaks.length === 0) && holidays.size === 0

  function eraFor(localDay: number): CompiledEra {
    for (const e of eras) if (localDay <= e.untilDay) return e
    return eras[eras.length - 1]
  }

  function isOpen(utcMs: number): boolean {
    if (allDay) return true
    const local = utcToLocalMs(tz, utcMs)
    const day = Math.floor(local / DAY)
    if (holidays.has(day)) return false
    const e = eraFor(day)
    const mod = Math.floor((local - day * DAY) / MINUTE)
    if (e.open >= 0) {
      const dow = (((day + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
      const mow = dow * 1440 + mod
      const inWeek = e.open < e.close ? mow >= e.open && mow < e.close : mow >= e.open || mow < e.close
      if (!inWeek) return false
    }
    for (const [s, t] of e.breaks) {
      if (s < t ? mod >= s && mod < t : mod >= s || mod < t) return false
    }
    return true
  }

  /** true when utcMs starts a new segment although the previous minute was open (24×7 day change). */
  function isDayAnchor(utcMs: number): boolean {
    const local = utcToLocalMs(tz, utcMs)
    return local % DAY === 0 || Math.floor(local / DAY) !== Math.floor(utcToLocalMs(tz, utcMs - MINUTE) / DAY)
  }
  const splitsAtMidnight = eras.some((e) => e.open < 0 && e.breaks.length === 0)

  let cache: { start: number; end: number } | null = null

  function segment(utcMs: number): { start: number; end: number } | null {
    if (cache && utcMs >= cache.start && utcMs < cache.end) return cache
    const t0 = Math.floor(utcMs / MINUTE) * MINUTE
    if (!isOpen(t0)) return null
    let start = t0
    for (let k = 0; k < MAX_SEGMENT_MINUTES; k++) {
      if (splitsAtMidnight && isDayAnchor(start)) break
      if (!isOpen(start - MINUTE)) break
      start -= MINUTE
    }
    let end = t0 + MINUTE
    for (let k = 0; k < MAX_SEGMENT_MINUTES; k++) {
      if (!isOpen(end)) break
      if (splitsAtMidnight && isDayAnchor(end)) break
      end += MINUTE
    }
    cache = { start, end }
    return cache
  }

  function bucket(utcMs: number, barMs: number): { start: number; end: number } {
    const seg = segment(utcMs)
    // A bar outside the calendar (validation reports it) is bucketed on the plain epoch grid.
    if (!seg) {
      const s = Math.floor(utcMs / barMs) * barMs
      return { start: s, end: s + barMs }
    }
    const s = seg.start + Math.floor((utcMs - seg.start) / barMs) * barMs
    return { start: s, end: Math.min(s + barMs, seg.end) }
  }

  function missingBars(prev: number, next: number, barMs: number): number {
    let n = 0
    for (let t = prev + barMs; t < next; t += barMs) if (isOpen(t)) n++
    return n
  }

  return { spec, isOpen, segment, bucket, missingBars }
}
