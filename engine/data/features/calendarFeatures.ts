import { utcToLocalMs } from '../calendar/timezone.ts'

const DAY = 86_400_000
const MINUTE = 60_000
const TWO_PI = 2 * Math.PI
// Every real-world UTC offset change falls on a quarter hour (timezone.ts relies on the same fact),
// so the offset is looked up once per 15-minute bucket instead of once per bar: a Map lookup per
// row was most of the cost of the whole standard set.
const QUARTER_HOUR = 900_000

export interface CyclicColumns {
  sin: Float64Array
  cos: Float64Array
}

/** ts → local wall-clock ms on a UTC-based scale, in place into `out`. */
function localTimes(ts: Float64Array, timeZone: string, out: Float64Array): Float64Array {
  let lastBucket = NaN
  let off = 0
  for (let t = 0; t < ts.length; t++) {
    const u = ts[t]
    const bucket = Math.floor(u / QUARTER_HOUR)
    if (bucket !== lastBucket) {
      off = utcToLocalMs(timeZone, u) - u
      lastBucket = bucket
    }
    out[t] = u + off
  }
  return out
}

// whole minutes (the common case) come from a table; other times are computed exactly
const MIN_SIN = new Float64Array(1440)
const MIN_COS = new Float64Array(1440)
for (let m = 0; m < 1440; m++) {
  MIN_SIN[m] = Math.sin((TWO_PI * m) / 1440)
  MIN_COS[m] = Math.cos((TWO_PI * m) / 1440)
}
const DOW_SIN = Float64Array.from({ length: 7 }, (_, d) => Math.sin((TWO_PI * d) / 7))
const DOW_COS = Float64Array.from({ length: 7 }, (_, d) => Math.cos((TWO_PI * d) / 7))

/**
 * Time of day of the bar's open time on the exchange's wall clock, as a point on the unit circle
 * (angle 2π·minute/1440, seconds included) so 23:59 sits next to 00:00. Local time, not UTC:
 * sessions open at local hours, and UTC would shift the encoding by an hour across DST.
 */
export function timeOfDay(ts: Float64Array, timeZone: string): CyclicColumns {
  const n = ts.length
  const sin = localTimes(ts, timeZone, new Float64Array(n))
  const cos = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const local = sin[t]
    const ms = local - Math.floor(local / DAY) * DAY
    const m = ms / MINUTE
    if (m === Math.floor(m)) {
      sin[t] = MIN_SIN[m]
      cos[t] = MIN_COS[m]
    } else {
      const a = (TWO_PI * ms) / DAY
      sin[t] = Math.sin(a)
      cos[t] = Math.cos(a)
    }
  }
  return { sin, cos }
}

/** Local day of week, Monday = 0 … Sunday = 6, at angle 2π·dow/7. */
export function dayOfWeek(ts: Float64Array, timeZone: string): CyclicColumns {
  const n = ts.length
  const sin = localTimes(ts, timeZone, new Float64Array(n))
  const cos = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const days = Math.floor(sin[t] / DAY)
    const dow = (((days + 3) % 7) + 7) % 7 // 1970-01-01 was a Thursday
    sin[t] = DOW_SIN[dow]
    cos[t] = DOW_COS[dow]
  }
  return { sin, cos }
}
