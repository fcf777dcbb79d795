import { createRng } from '../rng.ts'
import type { Bars } from '../bars.ts'
import { COMMON_FIELDS, DEFAULT_SIGMA, checkNumber, rejectUnknownFields, resolveCommon } from './options.ts'
import type { CommonSynthOptions } from './options.ts'
import { STREAM_RETURNS, STREAM_STATE, barsFromLogReturns, subSeed } from './pricePath.ts'

/**
 * A series with known, findable predictability:
 *
 *   r_t = σ · (strength · z_{t−1} + ε_t),   z_t = φ z_{t−1} + √(1 − φ²) η_t,   φ = 2^(−1/halfLife)
 *
 * z is a slowly mean-reverting AR(1) drift with unit stationary variance; it is hidden, but it
 * shows up in past returns (a trailing-return sum estimates it), so causal OHLCV features can
 * recover the sign of the coming drift. Over a 30-bar window the drift adds 30·strength·σ·z
 * against noise of √30·σ, so `strength` sets how much of a trailing-return predictor survives.
 *
 * Defaults (strength 0.25, halfLife 240) were chosen by measurement (300k bars): the sign of the
 * trailing 30-bar return predicts the sign of the forward 30-bar return with AUC ≈ 0.71, and the
 * trailing 30-bar return predicts a 30-bar triple-barrier label (up vs down first) with AUC ≈ 0.65
 * at k = 1 ATR(14) and ≈ 0.75 at k = 2 (0.2 gave only 0.62 at k = 1, too close to the 0.6 a
 * pipeline test needs to clear). planted.test.ts asserts both. strength 0 is a random walk.
 *
 * The persistent drift also adds long-run variance: the log price wanders about √(1 + 2·strength²/
 * (1 − φ)) ≈ 6.7× as far as a random walk with the same σ (defaults), so over millions of bars the
 * price level can drift by orders of magnitude. It stays positive; pick startPrice accordingly
 * when combining with tickSize.
 */

export const DEFAULT_STRENGTH = 0.25
export const DEFAULT_HALF_LIFE = 240

export interface PlantedOptions extends CommonSynthOptions {
  /** per-bar noise std σ (default 0.0005) */
  sigma?: number
  /** drift std relative to σ per bar (default 0.25); 0 gives a random walk */
  strength?: number
  /** half-life of the hidden drift in bars (default 240) */
  halfLife?: number
}

export interface PlantedBars extends Bars {
  /** the true conditional mean of each bar's log return, β·z_{t−1}, known at the close of t−1:
   * an oracle the tests compare models against */
  readonly expectedReturn: Float64Array
}

export const PLANTED_FIELDS: readonly string[] = [...COMMON_FIELDS, 'sigma', 'strength', 'halfLife']

export function plantedBars(o: PlantedOptions): PlantedBars {
  rejectUnknownFields('planted', o, PLANTED_FIELDS)
  const c = resolveCommon(o)
  const sigma = checkNumber('sigma', o.sigma ?? DEFAULT_SIGMA, { above: 0, max: 0.5 })
  const strength = checkNumber('strength', o.strength ?? DEFAULT_STRENGTH, { min: 0, max: 10 })
  const halfLife = checkNumber('halfLife', o.halfLife ?? DEFAULT_HALF_LIFE, { min: 1, max: 1e9 })
  const phi = Math.pow(2, -1 / halfLife)
  const innov = Math.sqrt(1 - phi * phi)
  const noise = createRng(subSeed(c.seed, STREAM_RETURNS))
  const driftRng = createRng(subSeed(c.seed, STREAM_STATE))
  const beta = strength * sigma
  const r = new Float64Array(c.bars)
  const mu = new Float64Array(c.bars)
  let z = driftRng.normal() // start in the stationary law, so there is no burn-in stretch
  for (let t = 0; t < c.bars; t++) {
    mu[t] = beta * z
    r[t] = mu[t] + sigma * noise.normal()
    z = phi * z + innov * driftRng.normal()
  }
  return {
    ...barsFromLogReturns(r, sigma, sigma, c),
    source: `synthetic:planted(seed=${c.seed},strength=${strength})`,
    expectedReturn: mu,
  }
}
