import { FactoryError } from '../../../contracts/errors.ts'

/**
 * Gradient/hessian objectives with LightGBM's definitions (objective names, init scores,
 * gradients, metrics). All loops are over typed arrays; `w` (per-sample weights) is optional.
 */

export type ObjectiveName = 'binary' | 'regression' | 'quantile'
export const OBJECTIVE_NAMES: readonly ObjectiveName[] = ['binary', 'regression', 'quantile']

export interface Objective {
  readonly name: ObjectiveName
  /** the early-stopping metric (LightGBM's default metric for the objective); lower is better */
  readonly metric: 'binary_logloss' | 'l2' | 'quantile'
  /** LightGBM's boost_from_average start score */
  initScore(y: Float64Array, w?: Float64Array): number
  gradients(y: Float64Array, score: Float64Array, w: Float64Array | undefined, grad: Float64Array, hess: Float64Array): void
  /** weighted mean loss of raw scores */
  loss(y: Float64Array, score: Float64Array, w?: Float64Array): number
  /** raw score → output (sigmoid for binary, identity otherwise) */
  transform(raw: number): number
  /**
   * LightGBM's RenewTreeOutput, for objectives whose Newton step is not the leaf's loss minimiser
   * (quantile): the leaf's new value (before shrinkage) from its rows' residuals y − score.
   */
  renewLeaf?(rows: Uint32Array, y: Float64Array, score: Float64Array, w: Float64Array | undefined, scratch: Float64Array): number
}

const EPS = 1e-15

function weightedMean(v: Float64Array, w?: Float64Array): number {
  let s = 0, sw = 0
  for (let i = 0; i < v.length; i++) {
    const wi = w ? w[i] : 1
    s += wi * v[i]
    sw += wi
  }
  return sw > 0 ? s / sw : 0
}

export const binaryObjective: Objective = {
  name: 'binary',
  metric: 'binary_logloss',
  initScore(y, w) {
    const p = Math.min(1 - EPS, Math.max(EPS, weightedMean(y, w)))
    return Math.log(p / (1 - p))
  },
  gradients(y, score, w, grad, hess) {
    for (let i = 0; i < y.length; i++) {
      const p = 1 / (1 + Math.exp(-score[i]))
      const wi = w ? w[i] : 1
      grad[i] = (p - y[i]) * wi
      hess[i] = p * (1 - p) * wi
    }
  },
  loss(y, score, w) {
    let s = 0, sw = 0
    for (let i = 0; i < y.length; i++) {
      const p = Math.min(1 - EPS, Math.max(EPS, 1 / (1 + Math.exp(-score[i]))))
      const wi = w ? w[i] : 1
      s -= wi * (y[i] > 0.5 ? Math.log(p) : Math.log(1 - p))
      sw += wi
    }
    return s / sw
  },
  transform: (raw) => 1 / (1 + Math.exp(-raw)),
}

export const regressionObjective: Objective = {
  name: 'regression',
  metric: 'l2',
  initScore: (y, w) => weightedMean(y, w),
  gradients(y, score, w, grad, hess) {
    for (let i = 0; i < y.length; i++) {
      const wi = w ? w[i] : 1
      grad[i] = (score[i] - y[i]) * wi
      hess[i] = wi
    }
  },
  loss(y, score, w) {
    let s = 0, sw = 0
    for (let i = 0; i < y.length; i++) {
      const wi = w ? w[i] : 1
      const d = score[i] - y[i]
      s += wi * d * d
      sw += wi
    }
    return s / sw
  },
  transform: (raw) => raw,
}

/**
 * LightGBM's PercentileFun (unweighted): with the m values in descending order d, pos =
 * floor((1−α)m), bias = (1−α)m − pos; pos < 1 → max, pos >= m → min, else d[pos−1] −
 * (d[pos−1] − d[pos])·bias. `v` is sorted in place.
 */
export function lightgbmPercentile(v: Float64Array, alpha: number): number {
  const m = v.length
  if (m === 0) return 0
  v.sort()
  if (m === 1) return v[0]
  const floatPos = (1 - alpha) * m
  const pos = Math.floor(floatPos)
  if (pos < 1) return v[m - 1]
  if (pos >= m) return v[0]
  const bias = floatPos - pos
  const v1 = v[m - pos] // descending index pos−1
  const v2 = v[m - 1 - pos] // descending index pos
  return v1 - (v1 - v2) * bias
}

/**
 * LightGBM's WeightedPercentileFun, with one deliberate fix: values sorted ascending with
 * cumulative weights c; threshold = c[last]·α; pos = first index with c > threshold (capped at
 * m−1); at either end the value itself, else linear between v[pos−1] and v[pos] at
 * (threshold − c[pos−1]) / (c[pos] − c[pos−1]). LightGBM interpolates with (threshold − c[pos]) /
 * (c[pos+1] − c[pos]), which is negative there (threshold < c[pos]) and so lands below v[pos−1];
 * we keep the result between its neighbours.
 */
export function lightgbmWeightedPercentile(v: Float64Array, w: Float64Array, alpha: number): number {
  const m = v.length
  if (m === 0) return 0
  if (m === 1) return v[0]
  const idx = Uint32Array.from({ length: m }, (_, i) => i).sort((a, b) => v[a] - v[b])
  const cdf = new Float64Array(m)
  cdf[0] = w[idx[0]]
  for (let i = 1; i < m; i++) cdf[i] = cdf[i - 1] + w[idx[i]]
  const threshold = cdf[m - 1] * alpha
  let lo = 0, hi = m
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cdf[mid] > threshold) hi = mid
    else lo = mid + 1
  }
  const pos = Math.min(lo, m - 1)
  if (pos === 0 || pos === m - 1) return v[idx[pos]]
  const v1 = v[idx[pos - 1]], v2 = v[idx[pos]]
  const step = cdf[pos] - cdf[pos - 1]
  return step > 0 ? ((threshold - cdf[pos - 1]) / step) * (v2 - v1) + v1 : v2
}

export function quantileObjective(alpha: number): Objective {
  if (!(alpha > 0 && alpha < 1))
    throw new FactoryError('E_PARAM', `quantile objective needs 0 < alpha < 1, got ${alpha}`, { path: 'alpha', value: alpha, valid: [0, 1] })
  return {
    name: 'quantile',
    metric: 'quantile',
    initScore: (y, w) => (w ? lightgbmWeightedPercentile(y.slice(), w, alpha) : lightgbmPercentile(y.slice(), alpha)),
    gradients(y, score, w, grad, hess) {
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1
        grad[i] = (score[i] - y[i] >= 0 ? 1 - alpha : -alpha) * wi
        hess[i] = wi
      }
    },
    loss(y, score, w) {
      let s = 0, sw = 0
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1
        const r = y[i] - score[i]
        s += wi * (r >= 0 ? alpha * r : (alpha - 1) * r)
        sw += wi
      }
      return s / sw
    },
    transform: (raw) => raw,
    renewLeaf(rows, y, score, w, scratch) {
      const m = rows.length
      const res = scratch.subarray(0, m)
      for (let i = 0; i < m; i++) res[i] = y[rows[i]] - score[rows[i]]
      if (!w) return lightgbmPercentile(res, alpha)
      const ww = new Float64Array(m)
      for (let i = 0; i < m; i++) ww[i] = w[rows[i]]
      return lightgbmWeightedPercentile(res, ww, alpha)
    },
  }
}

export function makeObjective(name: ObjectiveName, alpha = 0.5): Objective {
  switch (name) {
    case 'binary':
      return binaryObjective
    case 'regression':
      return regressionObjective
    case 'quantile':
      return quantileObjective(alpha)
    default:
      throw new FactoryError('E_PARAM', `unknown objective '${String(name)}'; known: ${OBJECTIVE_NAMES.join(', ')}`, { path: 'objective', value: name, valid: [...OBJECTIVE_NAMES] })
  }
}
