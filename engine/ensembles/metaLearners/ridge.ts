import { FactoryError } from '../../contracts/errors.ts'
import { centredGram, choleskySolve, weightedMean, weightedMeans } from './linalg.ts'
import type { LinearFit } from './linalg.ts'

/**
 * Ridge regression in closed form, as scikit-learn's `Ridge(alpha, fit_intercept=True)` defines it
 * (intercept not penalised, penalty on the SUM of squared residuals):
 *
 *     min_w,b  Σ sᵢ (yᵢ − xᵢ·w − b)² + alpha · ‖w‖²
 *
 * Centring x and y with the weighted means removes b; then (Xcᵀ S Xc + alpha I) w = Xcᵀ S yc and
 * b = ȳ − x̄·w. Cholesky on the f × f system: the meta-features are few, so this is one pass over
 * the rows plus microseconds. alpha = 0 is ordinary least squares and needs Xcᵀ S Xc positive
 * definite (no constant or collinear columns).
 */
export function fitRidge(x: Float64Array, n: number, f: number, y: Float64Array, alpha: number, weight?: Float64Array): LinearFit {
  if (!(alpha >= 0)) throw new FactoryError('E_PARAM', `ridge alpha must be ≥ 0; got ${alpha}`, { path: 'alpha', value: alpha, valid: ['≥ 0'] })
  const { mean } = weightedMeans(x, n, f, weight)
  const yMean = weightedMean(y, weight)
  const { G, c } = centredGram(x, n, f, y, weight, mean, yMean)
  for (let j = 0; j < f; j++) G[j * f + j] += alpha
  const coef = f === 0 ? new Float64Array(0) : choleskySolve(G, c, f)
  if (!coef)
    throw new FactoryError('E_VALIDATION', `ridge with alpha ${alpha} has a singular system: some meta-features are constant or collinear over the ${n} rows; use alpha > 0`, {
      path: 'alpha',
      value: alpha,
      valid: ['> 0'],
    })
  let b = yMean
  for (let j = 0; j < f; j++) b -= mean[j] * coef[j]
  return { coef, intercept: b, iterations: 0, converged: true }
}
