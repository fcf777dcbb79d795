import { allocBars, type Bars } from '../bars.ts'
import type { SessionCalendar } from '../calendar/sessionCalendar.ts'
import type { Rng } from '../rng.ts'

/**
 * A random-walk 1-minute series on the open minutes of a calendar, for the resample and MTF tests
 * and benchmarks. `gapProb` drops individual minutes at random so buckets have holes; volumes are
 * whole numbers so sums are exact in any summation order (pandas cross-checks compare bit for bit).
 */
export function syntheticMinuteBars(opts: { startMs: number; count: number; rng: Rng; calendar?: SessionCalendar; gapProb?: number; price?: number }): Bars {
  const { startMs, count, rng, calendar } = opts
  const gap = opts.gapProb ?? 0
  const out = allocBars(count)
  let px = opts.price ?? 100
  let t = startMs
  let i = 0
  while (i < count) {
    const open = !calendar || calendar.isOpen(t)
    if (open && !(gap > 0 && rng.next() < gap)) {
      const o = px
      const c = Math.max(1, o * (1 + 0.001 * rng.normal()))
      const wick = 0.0005 * o
      out.ts[i] = t
      out.open[i] = o
      out.close[i] = c
      out.high[i] = Math.max(o, c) + wick * rng.next()
      out.low[i] = Math.min(o, c) - wick * rng.next()
      out.volume[i] = 1 + rng.int(1000)
      px = c
      i++
    }
    t += 60_000
  }
  return out
}
