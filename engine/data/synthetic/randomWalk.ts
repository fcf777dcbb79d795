import { createRng } from '../rng.ts'
import type { Bars } from '../bars.ts'
import { COMMON_FIELDS, DEFAULT_SIGMA, checkNumber, rejectUnknownFields, resolveCommon } from './options.ts'
import type { CommonSynthOptions } from './options.ts'
import { STREAM_RETURNS, barsFromLogReturns, subSeed } from './pricePath.ts'

/**
 * The null series: i.i.d. Gaussian log returns with no drift and no memory. Nothing about the
 * future is predictable from the past, so any model or pipeline that scores above chance on it
 * has a leak (DESIGN.md, leakage rules).
 */

export interface RandomWalkOptions extends CommonSynthOptions {
  /** per-bar log-return std (default 0.0005) */
  sigma?: number
}

export const RANDOM_WALK_FIELDS: readonly string[] = [...COMMON_FIELDS, 'sigma']

export function randomWalkBars(o: RandomWalkOptions): Bars {
  rejectUnknownFields('random_walk', o, RANDOM_WALK_FIELDS)
  const c = resolveCommon(o)
  const sigma = checkNumber('sigma', o.sigma ?? DEFAULT_SIGMA, { above: 0, max: 0.5 })
  const rng = createRng(subSeed(c.seed, STREAM_RETURNS))
  const r = new Float64Array(c.bars)
  for (let t = 0; t < c.bars; t++) r[t] = sigma * rng.normal()
  return { ...barsFromLogReturns(r, sigma, sigma, c), source: `synthetic:random_walk(seed=${c.seed})` }
}
