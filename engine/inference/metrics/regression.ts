import { checkFiniteOrNaN, checkLengths, checkWeights, weightedMean, type MetricResult, type WeightOption } from './rows.ts'

/**
 * Point-forecast errors of an expected return `pred` (E_r) against the realised return `actual`,
 * over rows where neither is NaN.
 */

function checkInputs(fn: string, pred: Float64Array, actual: Float64Array, weight: Float64Array | undefined): void {
  const n = checkLengths(fn, { pred, actual })
  checkFiniteOrNaN(fn, 'pred', pred)
  checkFiniteOrNaN(fn, 'actual', actual)
  checkWeights(fn, weight, n)
}

/** Mean absolute error (sklearn.metrics.mean_absolute_error). */
export function mae(pred: Float64Array, actual: Float64Array, opts: WeightOption = {}): MetricResult {
  checkInputs('mae', pred, actual, opts.weight)
  return weightedMean([pred, actual], opts.weight, (i) => Math.abs(actual[i] - pred[i]))
}

/** Root mean squared error (sklearn.metrics.mean_squared_error(..., squared=False)). */
export function rmse(pred: Float64Array, actual: Float64Array, opts: WeightOption = {}): MetricResult {
  checkInputs('rmse', pred, actual, opts.weight)
  const r = weightedMean([pred, actual], opts.weight, (i) => {
    const d = actual[i] - pred[i]
    return d * d
  })
  return { value: Math.sqrt(r.value), n: r.n }
}

/**
 * Share of rows where the forecast and the outcome have the same sign (sklearn accuracy_score on
 * sign(pred) vs sign(actual) over the rows counted). A zero on either side has no direction: such
 * rows are left out of both the value and n, as NaN rows are — a flat forecast is neither a hit
 * nor a miss, and a zero return (common on ticked prices) is not a move to call.
 */
export function directionalAccuracy(pred: Float64Array, actual: Float64Array, opts: WeightOption = {}): MetricResult {
  const fn = 'directionalAccuracy'
  checkInputs(fn, pred, actual, opts.weight)
  const w = opts.weight
  let hits = 0
  let total = 0
  let used = 0
  for (let i = 0; i < pred.length; i++) {
    const a = pred[i]
    const b = actual[i]
    if (!(a !== 0 && b !== 0) || a !== a || b !== b) continue
    const wi = w === undefined ? 1 : w[i]
    used++
    total += wi
    if (a > 0 === b > 0) hits += wi
  }
  return { value: total > 0 ? hits / total : Number.NaN, n: used }
}
