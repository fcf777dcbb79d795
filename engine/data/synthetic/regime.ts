import { FactoryError } from '../../contracts/errors.ts'
import { createRng } from '../rng.ts'
import type { Bars } from '../bars.ts'
import { COMMON_FIELDS, checkNumber, rejectUnknownFields, resolveCommon } from './options.ts'
import type { CommonSynthOptions } from './options.ts'
import { STREAM_RETURNS, STREAM_STATE, barsFromLogReturns, subSeed } from './pricePath.ts'

/**
 * Regime-switching volatility: a hidden Markov chain over K volatility states with a known
 * transition matrix; in state s the bar's log return is N(0, sigmas[s]²). Direction stays
 * unpredictable (zero mean in every state), volatility is predictable from its own past. The
 * true state path comes back with the bars, so an HMM's decoded states and fitted transition
 * matrix can be scored against the truth.
 */

export const DEFAULT_REGIME_SIGMAS: readonly number[] = [0.00025, 0.0005, 0.00125]
/** Expected stays of 500, 250 and 200 bars: regimes last hours, as volatility clusters do. */
export const DEFAULT_REGIME_TRANSITION: readonly (readonly number[])[] = [
  [0.998, 0.0015, 0.0005],
  [0.002, 0.996, 0.002],
  [0.001, 0.004, 0.995],
]
export const MAX_REGIME_STATES = 6

export interface RegimeOptions extends CommonSynthOptions {
  /** per-bar log-return std in each state (2..6 states; default 0.00025, 0.0005, 0.00125) */
  sigmas?: readonly number[]
  /** K×K row-stochastic matrix, row = from-state (default above for 3 states; for other K,
   * stay 0.998 with the rest spread evenly) */
  transition?: readonly (readonly number[])[]
  /** state of bar 0 (default: drawn from the chain's stationary distribution) */
  initialState?: number
}

export interface RegimeBars extends Bars {
  /** true hidden state of each bar (index into stateSigmas) */
  readonly states: Uint8Array
  readonly stateSigmas: readonly number[]
  readonly transition: readonly (readonly number[])[]
  /** stationary distribution of the chain */
  readonly stationary: readonly number[]
}

export const REGIME_FIELDS: readonly string[] = [...COMMON_FIELDS, 'sigmas', 'transition', 'initialState']

function resolveSigmas(v: unknown): number[] {
  if (v === undefined) return [...DEFAULT_REGIME_SIGMAS]
  if (!Array.isArray(v) || v.length < 2 || v.length > MAX_REGIME_STATES) {
    throw new FactoryError('E_PARAM', `invalid sigmas ${JSON.stringify(v)}: give 2 to ${MAX_REGIME_STATES} per-state return stds`, {
      path: 'sigmas',
      value: v,
      valid: [`array of 2..${MAX_REGIME_STATES} numbers > 0`],
    })
  }
  return v.map((s, i) => checkNumber(`sigmas[${i}]`, s, { above: 0, max: 0.5 }))
}

function defaultTransition(k: number): number[][] {
  const stay = 0.998
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? stay : (1 - stay) / (k - 1))))
}

function resolveTransition(v: unknown, k: number): number[][] {
  if (v === undefined) return k === 3 ? DEFAULT_REGIME_TRANSITION.map((r) => [...r]) : defaultTransition(k)
  if (!Array.isArray(v) || v.length !== k) {
    throw new FactoryError('E_SHAPE', `invalid transition: need a ${k}×${k} matrix (one row per state in sigmas), got ${Array.isArray(v) ? v.length + ' rows' : JSON.stringify(v)}`, {
      path: 'transition',
      value: v,
      valid: [`${k}×${k} row-stochastic matrix`],
    })
  }
  return v.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== k) {
      throw new FactoryError('E_SHAPE', `invalid transition[${i}]: need ${k} probabilities, got ${JSON.stringify(row)}`, {
        path: `transition[${i}]`,
        value: row,
        valid: [`${k} numbers in [0, 1] summing to 1`],
      })
    }
    const p = row.map((x, j) => checkNumber(`transition[${i}][${j}]`, x, { min: 0, max: 1 }))
    const sum = p.reduce((a, b) => a + b, 0)
    if (Math.abs(sum - 1) > 1e-9) {
      throw new FactoryError('E_PARAM', `invalid transition[${i}]: probabilities sum to ${sum}, not 1`, {
        path: `transition[${i}]`,
        value: row,
        valid: ['row sum = 1'],
      })
    }
    return p
  })
}

/** Stationary distribution by power iteration on a lazy chain (converges even when periodic). */
export function stationaryDistribution(P: readonly (readonly number[])[]): number[] {
  const k = P.length
  let pi = new Array<number>(k).fill(1 / k)
  for (let it = 0; it < 100_000; it++) {
    const next = new Array<number>(k).fill(0)
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) next[j] += pi[i] * (0.5 * P[i][j] + (i === j ? 0.5 : 0))
    let diff = 0
    for (let j = 0; j < k; j++) diff += Math.abs(next[j] - pi[j])
    pi = next
    if (diff < 1e-15) break
  }
  return pi
}

export function regimeBars(o: RegimeOptions): RegimeBars {
  rejectUnknownFields('regime', o, REGIME_FIELDS)
  const c = resolveCommon(o)
  const sigmas = resolveSigmas(o.sigmas)
  const k = sigmas.length
  const P = resolveTransition(o.transition, k)
  const pi = stationaryDistribution(P)
  const stateRng = createRng(subSeed(c.seed, STREAM_STATE))
  const noise = createRng(subSeed(c.seed, STREAM_RETURNS))
  const cum = new Float64Array(k * k)
  for (let i = 0; i < k; i++) {
    let s = 0
    for (let j = 0; j < k; j++) cum[i * k + j] = s += P[i][j]
  }
  const draw = (row: ArrayLike<number>, off: number): number => {
    const u = stateRng.next()
    let j = 0
    while (j < k - 1 && u >= row[off + j]) j++
    return j
  }
  let s: number
  if (o.initialState !== undefined) s = checkNumber('initialState', o.initialState, { integer: true, min: 0, max: k - 1 })
  else {
    const cumPi = new Float64Array(k)
    let acc = 0
    for (let j = 0; j < k; j++) cumPi[j] = acc += pi[j]
    s = draw(cumPi, 0)
  }
  const states = new Uint8Array(c.bars)
  const sig = new Float64Array(c.bars)
  const r = new Float64Array(c.bars)
  for (let t = 0; t < c.bars; t++) {
    states[t] = s
    sig[t] = sigmas[s]
    r[t] = sigmas[s] * noise.normal()
    s = draw(cum, s * k)
  }
  const refSigma = Math.min(...sigmas)
  return {
    ...barsFromLogReturns(r, sig, refSigma, c),
    source: `synthetic:regime(seed=${c.seed},states=${k})`,
    states,
    stateSigmas: sigmas,
    transition: P,
    stationary: pi,
  }
}
