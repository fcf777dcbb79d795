import { allocBars, type Bars } from '../bars.ts'
import { createRng } from '../rng.ts'

/**
 * A seeded random walk of 1-minute OHLC bars on a tick grid, for the label tests and benchmark.
 * Prices stay on the grid so barrier comparisons are exact, and `drift` (ticks per bar) plants a
 * trend when a test needs one.
 */
export function randomWalkBars(n: number, seed: number, opts: { tickSize?: number; start?: number; stepTicks?: number; wickTicks?: number; drift?: number } = {}): Bars {
  const tick = opts.tickSize ?? 0.25
  const step = opts.stepTicks ?? 4
  const wick = opts.wickTicks ?? 3
  const drift = opts.drift ?? 0
  const rng = createRng(seed)
  const b = allocBars(n)
  let price = opts.start ?? 4000
  for (let i = 0; i < n; i++) {
    const open = price
    const close = open + Math.round(rng.normal() * step + drift) * tick
    b.ts[i] = 1_700_000_000_000 + i * 60_000
    b.open[i] = open
    b.close[i] = close
    b.high[i] = Math.max(open, close) + rng.int(wick + 1) * tick
    b.low[i] = Math.min(open, close) - rng.int(wick + 1) * tick
    b.volume[i] = 1 + rng.int(100)
    price = close
  }
  return b
}
