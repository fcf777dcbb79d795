import { checkFiniteOrNaN, checkLengths, checkProbabilityParam, checkWeights, weightedMean, type MetricResult, type WeightOption } from './rows.ts'

/**
 * Scores of quantile forecasts and of the interval [lo, hi] they span, against the realised value
 * y, over rows where no input is NaN. Crossed intervals (lo > hi, which independent quantile
 * heads can produce) are scored as given, not repaired: they never cover and their width is
 * negative, so the problem shows in the numbers.
 */

/**
 * Mean pinball (quantile) loss at level alpha (sklearn.metrics.mean_pinball_loss):
 * alpha·(y − q) when y ≥ q, (1 − alpha)·(q − y) otherwise.
 */
export function pinballLoss(y: Float64Array, q: Float64Array, alpha: number, opts: WeightOption = {}): MetricResult {
  const fn = 'pinballLoss'
  checkProbabilityParam(fn, 'alpha', alpha, false)
  const n = checkLengths(fn, { y, q })
  checkFiniteOrNaN(fn, 'y', y)
  checkFiniteOrNaN(fn, 'q', q)
  checkWeights(fn, opts.weight, n)
  return weightedMean([y, q], opts.weight, (i) => {
    const d = y[i] - q[i]
    return d >= 0 ? alpha * d : -(1 - alpha) * d
  })
}

function checkInterval(fn: string, y: Float64Array, lo: Float64Array, hi: Float64Array): void {
  checkLengths(fn, { y, lo, hi })
  checkFiniteOrNaN(fn, 'y', y)
  checkFiniteOrNaN(fn, 'lo', lo)
  checkFiniteOrNaN(fn, 'hi', hi)
}

/** Share of rows with lo ≤ y ≤ hi (both ends closed, as conformal intervals are). */
export function intervalCoverage(y: Float64Array, lo: Float64Array, hi: Float64Array): MetricResult {
  checkInterval('intervalCoverage', y, lo, hi)
  return weightedMean([y, lo, hi], undefined, (i) => (lo[i] <= y[i] && y[i] <= hi[i] ? 1 : 0))
}

/**
 * Mean of hi − lo over the rows where y, lo and hi are all present — the same rows coverage
 * counts, so a width is always read beside the coverage it buys.
 */
export function meanWidth(y: Float64Array, lo: Float64Array, hi: Float64Array): MetricResult {
  checkInterval('meanWidth', y, lo, hi)
  return weightedMean([y, lo, hi], undefined, (i) => hi[i] - lo[i])
}

/**
 * Winkler (interval) score of a central (1 − alpha) interval: width, plus (2/alpha) times the
 * distance by which y falls below lo, plus (2/alpha) times the distance above hi. Lower is better;
 * it rewards narrow intervals only while they keep covering. It equals
 * (2/alpha)·(pinball_{alpha/2}(lo) + pinball_{1−alpha/2}(hi)), so it stays a proper score even on
 * crossed intervals.
 */
export function winklerScore(y: Float64Array, lo: Float64Array, hi: Float64Array, alpha: number): MetricResult {
  const fn = 'winklerScore'
  checkProbabilityParam(fn, 'alpha', alpha, true)
  checkInterval(fn, y, lo, hi)
  const k = 2 / alpha
  return weightedMean([y, lo, hi], undefined, (i) => {
    const v = y[i]
    let s = hi[i] - lo[i]
    // Two independent ifs, not else-if: a y between the bounds of a crossed interval pays both.
    if (v < lo[i]) s += k * (lo[i] - v)
    if (v > hi[i]) s += k * (v - hi[i])
    return s
  })
}
