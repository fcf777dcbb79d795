import { allocBars } from '../bars.ts'
import { createRng } from '../rng.ts'
import type { ResolvedCommon } from './options.ts'

/**
 * Turns a path of close-to-close log returns into OHLCV bars on a regular grid.
 *
 * Intrabar extremes are exact draws from the Brownian-bridge maximum and minimum: for a Brownian
 * motion with per-bar variance s² that moves by r over the bar, P(max > m) = exp(−2m(m − r)/s²)
 * for m ≥ max(0, r), inverted as m = (r + √(r² − 2s² ln U)) / 2 (the minimum is the mirror image).
 * One uniform each, no sub-steps, so 2M bars cost a few hundred milliseconds. The two extremes are
 * drawn independently (their joint law is not reproduced), which is enough for ATR and barrier
 * touches to behave like real bars: ranges widen with volatility and always contain open and close.
 */

/** Independent RNG stream `k` of a seed, so each part of a series draws from its own stream and a
 * longer series with the same seed extends a shorter one bar for bar. */
export function subSeed(seed: number, k: number): number {
  return (seed ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0
}

export const STREAM_RETURNS = 0
export const STREAM_BARS = 1
export const STREAM_STATE = 2

export type MutableBars = ReturnType<typeof allocBars>

/**
 * @param logRet close-to-close log return of each bar
 * @param sigma  the bar's diffusion std (a number, or one per bar), used for the bridge extremes
 * @param refSigma volume scales with √(sigma / refSigma): busier tape in volatile stretches
 */
export function barsFromLogReturns(
  logRet: Float64Array,
  sigma: Float64Array | number,
  refSigma: number,
  c: ResolvedCommon,
): MutableBars {
  const n = logRet.length
  const b = allocBars(n)
  const { ts, open, high, low, close, volume } = b
  const rng = createRng(subSeed(c.seed, STREAM_BARS))
  const tick = c.tickSize
  // Dividing by an integer 1/tick gives the double nearest the decimal (k/100 prints as "100.01");
  // multiplying by 0.01 would not.
  const invTick = tick > 0 ? Math.round(1 / tick) : 0
  const exactInv = tick > 0 && Math.abs(invTick * tick - 1) < 1e-12
  const round = (p: number): number => {
    if (tick === 0) return p
    const k = Math.max(1, Math.round(p / tick))
    return exactInv ? k / invTick : k * tick
  }
  const constSigma = typeof sigma === 'number'
  const p0 = c.startPrice
  let logP = 0
  let prevClose = round(p0)
  for (let t = 0; t < n; t++) {
    ts[t] = c.startMs + t * c.barMs
    const r = logRet[t]
    const s = constSigma ? (sigma as number) : (sigma as Float64Array)[t]
    const s2 = 2 * s * s
    const r2 = r * r
    const up = 0.5 * (r + Math.sqrt(r2 - s2 * Math.log(1 - rng.next())))
    const dn = 0.5 * (r - Math.sqrt(r2 - s2 * Math.log(1 - rng.next())))
    const base = p0 * Math.exp(logP)
    logP += r
    const o = prevClose
    const cl = round(p0 * Math.exp(logP))
    let h = round(base * Math.exp(up))
    let l = round(base * Math.exp(dn))
    // Math.exp is not guaranteed monotone to the last bit; the OHLC invariant must hold exactly.
    if (h < o) h = o
    if (h < cl) h = cl
    if (l > o) l = o
    if (l > cl) l = cl
    open[t] = o
    high[t] = h
    low[t] = l
    close[t] = cl
    prevClose = cl
    // Lognormal noise times the bar's relative range: volume follows activity, as on real tapes.
    const rangeUnits = s > 0 ? (up - dn) / s : 1
    const v = c.baseVolume * Math.sqrt(s / refSigma) * Math.exp(0.4 * rng.normal() - 0.08) * (0.2 + 0.64 * rangeUnits)
    volume[t] = Math.max(1, Math.round(v))
  }
  return b
}
