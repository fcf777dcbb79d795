import {
  checkFiniteOrNaN,
  checkLabels,
  checkLengths,
  checkProbabilities,
  checkProbabilityParam,
  checkWeights,
  weightedMean,
  type MetricResult,
  type WeightOption,
} from './rows.ts'

/**
 * Pointwise scores of a probability p = P(y = 1) against binary labels y ∈ {0, 1}, each the
 * (weighted) mean over rows where neither p nor y is NaN. Probabilities must lie in [0, 1].
 */

function checkInputs(fn: string, p: Float64Array, y: Float64Array, weight: Float64Array | undefined): void {
  const n = checkLengths(fn, { p, y })
  checkFiniteOrNaN(fn, 'p', p)
  checkProbabilities(fn, 'p', p)
  checkLabels(fn, 'y', y)
  checkWeights(fn, weight, n)
}

export interface AccuracyOptions extends WeightOption {
  /** predict class 1 when p > threshold (default 0.5) */
  threshold?: number
}

/**
 * Fraction of rows whose thresholded prediction equals the label (sklearn accuracy_score on
 * (p > 0.5)). p exactly at the threshold predicts 0, as sklearn's predict (argmax takes the first
 * of two equal class probabilities) does.
 */
export function accuracy(p: Float64Array, y: Float64Array, opts: AccuracyOptions = {}): MetricResult {
  const fn = 'accuracy'
  checkInputs(fn, p, y, opts.weight)
  const t = opts.threshold ?? 0.5
  checkProbabilityParam(fn, 'threshold', t, false)
  return weightedMean([p, y], opts.weight, (i) => ((p[i] > t ? 1 : 0) === y[i] ? 1 : 0))
}

/** Clip of log loss: float64 machine epsilon, sklearn 1.2's eps='auto' for float64 input. */
export const LOG_LOSS_EPS = Number.EPSILON

/**
 * Mean negative log-likelihood (sklearn.metrics.log_loss, version 1.2.1, checked against it).
 * As sklearn does: p is clipped to [eps, 1 − eps] with eps = 2.22e-16, the pair (1 − p, p) is
 * renormalised by its sum, and the loss is −ln of the label's entry. Unlike sklearn, rows of a
 * single class are scored (sklearn raises unless labels=[0, 1] is passed; with it, the values agree).
 */
export function logLoss(p: Float64Array, y: Float64Array, opts: WeightOption = {}): MetricResult {
  checkInputs('logLoss', p, y, opts.weight)
  return weightedMean([p, y], opts.weight, (i) => {
    const q = Math.min(Math.max(p[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS)
    const a = 1 - q
    const s = a + q
    return -Math.log((y[i] === 1 ? q : a) / s)
  })
}

/** Mean squared difference between p and y (sklearn.metrics.brier_score_loss). */
export function brierScore(p: Float64Array, y: Float64Array, opts: WeightOption = {}): MetricResult {
  checkInputs('brierScore', p, y, opts.weight)
  return weightedMean([p, y], opts.weight, (i) => {
    const d = y[i] - p[i]
    return d * d
  })
}
