import { FactoryError } from '../../contracts/errors.ts'

/**
 * IANA time-zone arithmetic without a date library. Offsets come from Intl and are cached per
 * 15-minute UTC bucket (every real-world transition falls on a quarter hour), so converting a year
 * of 1-minute bars costs one Intl call per bucket, not per bar.
 */

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z', 'utc'])
const BUCKET = 15 * 60_000
const formatters = new Map<string, Intl.DateTimeFormat>()
const offsetCaches = new Map<string, Map<number, number>>()

export function isUtc(tz: string): boolean {
  return UTC_NAMES.has(tz)
}

export function assertTimeZone(tz: string, path = 'data.timezone'): void {
  if (isUtc(tz)) return
  try {
    formatter(tz)
  } catch {
    throw new FactoryError('E_TZ_UNKNOWN', `unknown time zone '${tz}' at ${path}; use an IANA name such as UTC, America/Chicago, America/New_York, Europe/London`, {
      path,
      value: tz,
      valid: ['UTC', 'America/Chicago', 'America/New_York', 'Europe/London', 'Asia/Tokyo'],
    })
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

function computeOffset(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs))
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0
  for (const p of parts) {
    switch (p.type) {
      case 'year': y = Number(p.value); break
      case 'month': mo = Number(p.value); break
      case 'day': d = Number(p.value); break
      case 'hour': h = Number(p.value); break
      case 'minute': mi = Number(p.value); break
      case 'second': s = Number(p.value); break
    }
  }
  const local = Date.UTC(y, mo - 1, d, h, mi, s)
  return local - (utcMs - (((utcMs % 1000) + 1000) % 1000))
}

/** local − UTC in milliseconds at the UTC instant `utcMs`. */
export function tzOffsetMs(tz: string, utcMs: number): number {
  if (isUtc(tz)) return 0
  let cache = offsetCaches.get(tz)
  if (!cache) {
    cache = new Map()
    offsetCaches.set(tz, cache)
  }
  const key = Math.floor(utcMs / BUCKET)
  let off = cache.get(key)
  if (off === undefined) {
    off = computeOffset(tz, key * BUCKET)
    cache.set(key, off)
  }
  return off
}

/** Wall-clock time in `tz` at `utcMs`, expressed as milliseconds on a UTC-based scale. */
export function utcToLocalMs(tz: string, utcMs: number): number {
  return utcMs + tzOffsetMs(tz, utcMs)
}

/**
 * Convert a local wall-clock time (given as milliseconds on a UTC-based scale, e.g. from
 * Date.UTC(y, m, d, h, mi, s)) to the UTC instant. A wall time that occurs twice (DST fall-back)
 * or never (spring-forward) is an error: silently picking one would shift bars by an hour.
 */
export function localToUtcMs(tz: string, localMs: number, where: { file?: string; line?: number; value?: string } = {}): number {
  if (isUtc(tz)) return localMs
  const before = tzOffsetMs(tz, localMs - 86_400_000)
  const after = tzOffsetMs(tz, localMs + 86_400_000)
  const found: number[] = []
  for (const o of before === after ? [before] : [before, after]) {
    const u = localMs - o
    if (tzOffsetMs(tz, u) === o) found.push(u)
  }
  const shown = where.value ?? new Date(localMs).toISOString().slice(0, 19).replace('T', ' ')
  const at = where.file !== undefined ? `${where.file}:${where.line ?? '?'}: ` : ''
  if (found.length === 0) {
    throw new FactoryError('E_TZ_NONEXISTENT', `${at}local time '${shown}' does not exist in ${tz} (clocks jump forward at the DST change); fix the source timestamps or give them in UTC`, {
      ...where,
      column: 'timestamp',
      value: shown,
    })
  }
  if (found.length > 1 && found[0] !== found[1]) {
    throw new FactoryError('E_TZ_AMBIGUOUS', `${at}local time '${shown}' is ambiguous in ${tz} (it occurs twice when clocks fall back); give timestamps with a UTC offset or in UTC`, {
      ...where,
      column: 'timestamp',
      value: shown,
    })
  }
  return found[0]
}
