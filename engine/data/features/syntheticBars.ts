import type { Bars } from '../bars.ts'
import { allocBars } from '../bars.ts'
import { createRng } from '../rng.ts'

/**
 * A seeded random-walk OHLCV series of 1-minute bars for tests and benchmarks: log-normal closes
 * with volatility that switches between calm and busy stretches, consistent highs/lows, integer
 * volumes with occasional zeros, and occasional flat bars (o = h = l = c) to exercise the
 * zero-range branches.
 */
export function syntheticBars(n: number, seed = 1, startMs = Date.UTC(2024, 0, 2, 0, 0)): Bars {
  const rng = createRng(seed)
  const b = allocBars(n)
  let c = 4000
  let vol = 0.0005
  for (let t = 0; t < n; t++) {
    if (rng.next() < 0.002) vol = rng.next() < 0.5 ? 0.0002 : 0.002
    b.ts[t] = startMs + t * 60_000
    const o = c
    if (rng.next() < 0.01) {
      b.open[t] = b.high[t] = b.low[t] = b.close[t] = o
      b.volume[t] = 0
      continue
    }
    c = o * Math.exp(vol * rng.normal())
    const hi = Math.max(o, c) * (1 + vol * 0.5 * rng.next())
    const lo = Math.min(o, c) * (1 - vol * 0.5 * rng.next())
    b.open[t] = o
    b.high[t] = hi
    b.low[t] = lo
    b.close[t] = c
    b.volume[t] = rng.next() < 0.02 ? 0 : 1 + Math.floor(500 * rng.next() * rng.next())
  }
  return b
}
