import { FactoryError } from '../../contracts/errors.ts'
import { solveLogistic } from '../../models/tabular/logistic.ts'
import type { LinearFit } from './linalg.ts'

/**
 * L2 logistic regression as scikit-learn's `LogisticRegression(C)` defines it, reusing the
 * project's logistic model solver (Newton/Cholesky to a gradient of 1e-10), so the meta-learner
 * and the base model `logistic` share one tested optimiser:
 *
 *     min_w,b  ½‖w‖² + C · Σ sᵢ · logloss(yᵢ, σ(xᵢ·w + b))
 */
export function fitLogisticL2(
  x: Float64Array, n: number, f: number, y: Float64Array, c: number,
  opts: { weight?: Float64Array; maxIter?: number; tol?: number; onIteration?: (iteration: number, gradNorm: number) => void } = {},
): LinearFit {
  if (!(c > 0)) throw new FactoryError('E_PARAM', `logistic C must be > 0; got ${c}`, { path: 'c', value: c, valid: ['> 0'] })
  const s = new Float64Array(n)
  let pos = 0
  let tot = 0
  for (let i = 0; i < n; i++) {
    s[i] = c * (opts.weight ? opts.weight[i] : 1)
    tot += s[i]
    pos += s[i] * y[i]
  }
  if (!(pos > 0 && pos < tot))
    throw new FactoryError('E_VALIDATION', `logistic meta-learner needs both labels 0 and 1 among the rows with positive weight; got ${pos > 0 ? 'only 1' : 'only 0'}`, { path: 'y.label', value: pos })
  const sol = solveLogistic(
    { x, n, f, y, s },
    { solver: f <= 200 ? 'newton' : 'lbfgs', maxIter: opts.maxIter ?? 500, tol: opts.tol ?? 1e-10, ...(opts.onIteration ? { onIteration: (it: number, gn: number) => opts.onIteration!(it, gn) } : {}) },
  )
  return { coef: sol.coef, intercept: sol.intercept, iterations: sol.iterations, converged: sol.converged }
}
