import { FactoryError } from '../../contracts/errors.ts'
import { sliceBars } from '../bars.ts'
import type { Bars } from '../bars.ts'
import { fit, forwardFilter } from './gaussianHmm.ts'
import type { HmmParams } from './gaussianHmm.ts'
import { validateRegimeConfig } from './regimeConfig.ts'
import type { RegimeConfig } from './regimeConfig.ts'
import { regimeObservations } from './regimeFeatures.ts'

/**
 * The regimes stage: a Gaussian HMM over (log return, realised volatility), fitted on training
 * rows only and applied causally as filtered probabilities P(s_t | bars ≤ t).
 *
 * regime_score[t] = Σ_k k·P(s_t = k | o_1..o_t) / (K − 1): the expected state index rescaled to
 * [0, 1]. States are ordered by the variance of realised volatility, so 0 means certainly in the
 * calmest regime and 1 certainly in the most volatile. NaN where the probabilities are NaN
 * (feature warm-up, or before the first model in expanding mode).
 */

export interface TrainRange { start: number; end: number }

export interface RegimeModel {
  kind: 'gaussian_hmm_regimes'
  version: 1
  config: RegimeConfig
  featureNames: string[]
  trainRange: TrainRange
  /** the rows the HMM was fitted on: the last ≤ max_fit_rows rows of trainRange */
  fitRange: TrainRange
  params: HmmParams
}

export interface RegimeOutput {
  /** n×K row-major filtered state probabilities */
  probs: Float64Array
  regimeScore: Float64Array
  /** K */
  states: number
}

export interface RegimeRunOptions {
  /** called with the completed fraction in (0, 1] after each refit */
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

function fitOptions(cfg: RegimeConfig, signal?: AbortSignal) {
  return {
    K: cfg.n_states, covariance: cfg.covariance, maxIter: cfg.max_iter, tol: cfg.tol,
    nInit: cfg.n_init, seed: cfg.seed, varFloor: cfg.var_floor, orderFeature: 1, screenIter: cfg.n_init_iter,
    ...(signal ? { signal } : {}),
  }
}

/** First row of the fit: the most recent max_fit_rows rows before `end`, never before `start`. */
function fitStart(start: number, end: number, cfg: RegimeConfig): number {
  return Math.max(start, end - cfg.max_fit_rows)
}

/**
 * Fit on rows [start, end) only — on the last max_fit_rows of them when the range is longer (see
 * RegimeConfig.max_fit_rows). Features are built from bars[0, end), so rows ≥ end cannot reach
 * the fit even through the rolling window; rows in [start, start+window) may use bars before
 * `start`, which is past data and allowed.
 */
export function fitRegimes(bars: Bars, trainRange: TrainRange, cfg: unknown, opts: RegimeRunOptions = {}): RegimeModel {
  const config = validateRegimeConfig(cfg)
  const { start, end } = trainRange
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > bars.length || start >= end) {
    throw new FactoryError('E_SPLIT', `regime training range [${start}, ${end}) is not inside the ${bars.length} bars; need integers 0 ≤ start < end ≤ ${bars.length}`, {
      path: 'regime.train_range', value: [start, end], valid: [`0 ≤ start < end ≤ ${bars.length}`],
    })
  }
  const f = regimeObservations(sliceBars(bars, 0, end), config.window)
  const from = fitStart(start, end, config)
  const params = fit(f.obs.subarray(from * f.d, end * f.d), end - from, f.d, fitOptions(config, opts.signal))
  opts.onProgress?.(1)
  return { kind: 'gaussian_hmm_regimes', version: 1, config, featureNames: [...f.names], trainRange: { start, end }, fitRange: { start: from, end }, params }
}

/** Filtered probabilities and regime score for every bar, using a fitted model. */
export function applyRegimes(model: RegimeModel, bars: Bars): RegimeOutput {
  if (model?.kind !== 'gaussian_hmm_regimes' || !model.params) {
    throw new FactoryError('E_NOT_FITTED', `applyRegimes needs a model from fitRegimes; got ${model?.kind ?? typeof model}`, { value: model?.kind, valid: ['gaussian_hmm_regimes'] })
  }
  const f = regimeObservations(bars, model.config.window)
  const K = model.params.K
  const probs = forwardFilter(model.params, f.obs, f.n, f.d)
  return { probs, regimeScore: regimeScoreOf(probs, f.n, K), states: K }
}

export function regimeScoreOf(probs: Float64Array, n: number, K: number): Float64Array {
  const out = new Float64Array(n)
  const inv = K > 1 ? 1 / (K - 1) : 0
  for (let t = 0; t < n; t++) {
    let s = 0
    for (let k = 1; k < K; k++) s += k * probs[t * K + k]
    out[t] = Number.isNaN(probs[t * K]) ? NaN : s * inv
  }
  return out
}

export interface ExpandingRegimeOutput extends RegimeOutput {
  /** one entry per refit: the first row it serves and the parameters fitted on rows < at */
  refits: { at: number; params: HmmParams }[]
}

/**
 * Expanding-window regimes: refit at r = firstTrainEnd, firstTrainEnd + refit_every, … using
 * only rows < r (the last max_fit_rows of them, so past that length the window rolls); rows
 * [r, next r) take the filtered probabilities of the model fitted at r.
 *
 * Filter state across a refit: the new model re-runs its own forward filter from the first valid
 * row up to next r, so row t ≥ r gets exactly P(s_t | o_1..o_t; θ_r) — the same number
 * applyRegimes(θ_r) would give. Carrying the old model's posterior into the new one instead would
 * mix two models whose states need not correspond. The re-filter costs O(r) per refit, small next
 * to the fit itself. Rows before firstTrainEnd are NaN: no model fitted only on their past exists.
 */
export function expandingRegimes(bars: Bars, firstTrainEnd: number, cfg: unknown, opts: RegimeRunOptions = {}): ExpandingRegimeOutput {
  const config = validateRegimeConfig(cfg)
  const n = bars.length
  if (!Number.isInteger(firstTrainEnd) || firstTrainEnd < 1 || firstTrainEnd >= n) {
    throw new FactoryError('E_SPLIT', `expanding regimes: first training end ${firstTrainEnd} must be an integer in 1..${n - 1} (bars: ${n})`, {
      path: 'regime.first_train_end', value: firstTrainEnd, valid: [`1..${n - 1}`],
    })
  }
  const f = regimeObservations(bars, config.window)
  const K = config.n_states
  const d = f.d
  const probs = new Float64Array(n * K).fill(NaN)
  const points: number[] = []
  for (let r = firstTrainEnd; r < n; r += config.refit_every) points.push(r)
  const refits: { at: number; params: HmmParams }[] = []
  for (let i = 0; i < points.length; i++) {
    if (opts.signal?.aborted) throw new FactoryError('E_CANCELLED', `expanding regimes cancelled at refit ${i + 1} of ${points.length} (row ${points[i]})`)
    const r = points[i]
    const next = i + 1 < points.length ? points[i + 1] : n
    const from = fitStart(0, r, config)
    const params = fit(f.obs.subarray(from * d, r * d), r - from, d, fitOptions(config, opts.signal))
    const filtered = forwardFilter(params, f.obs.subarray(0, next * d), next, d)
    probs.set(filtered.subarray(r * K, next * K), r * K)
    refits.push({ at: r, params })
    opts.onProgress?.((i + 1) / points.length)
  }
  return { probs, regimeScore: regimeScoreOf(probs, n, K), states: K, refits }
}

/**
 * The stage as the pipeline calls it: fit once on [0, trainEnd) and filter every bar, or, with
 * `expanding: true`, refit on an expanding window starting at trainEnd.
 */
export function regimeStage(bars: Bars, trainEnd: number, cfg: unknown, opts: RegimeRunOptions = {}): RegimeOutput {
  const config = validateRegimeConfig(cfg)
  if (config.expanding) return expandingRegimes(bars, trainEnd, config, opts)
  return applyRegimes(fitRegimes(bars, { start: 0, end: trainEnd }, config, opts), bars)
}
