import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import { NEWTON_MAX_FEATURES, solveLogistic, type LogisticProblem } from './logisticSolver.ts'

/**
 * L2-regularised logistic regression for p_up, solved to the optimum (not "some epochs of SGD"):
 * it is the baseline every other model is measured against, so its numbers must be the true
 * minimiser, reproducible and identical to scikit-learn's.
 *
 * Objective, as scikit-learn writes it (intercept b not penalised):
 *     F(w, b) = ½‖w‖² + C · Σ sᵢ · logloss(yᵢ, σ(xᵢ·w + b)),   sᵢ = weightᵢ · class_weight[yᵢ]
 * with class_weight 'balanced' = n / (2 · count_c) from unweighted counts (scikit-learn's rule).
 *
 * Solver: Newton with a Cholesky solve of the (f+1)² Hessian and an Armijo backtracking line
 * search, which reaches machine precision in ~6–10 steps; above NEWTON_MAX_FEATURES the Hessian
 * (n·f² per step) costs more than it saves and L-BFGS takes over. Both stop when the largest
 * gradient component divided by max(1, C·Σsᵢ) — the gradient of the per-sample objective — is
 * ≤ `tol`. The default 1e-10 is tight on purpose: when the penalty dominates (small c, many
 * features) the coefficient error is about tol · C·Σsᵢ, and 1e-8 left probabilities ~3e-7 away
 * from scikit-learn's optimum on a 240-feature case. It stays far above the rounding floor of the
 * gradient sums (~1e-16·√n).
 */

export { NEWTON_MAX_FEATURES, solveLogistic, logisticObjective, objectiveWork } from './logisticSolver.ts'
export type { LogisticProblem, SolveOptions, LogisticSolution, ObjectiveWork } from './logisticSolver.ts'

const spec = {
  name: 'logistic',
  description: 'L2-regularised logistic regression (Newton/Cholesky or L-BFGS to the optimum)',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up'],
  needs: { normalization: 'scaled', minTrainRows: 2, sampleWeights: true },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    // `c` not `C`: parameter names are lower_snake (contracts/params.ts), so scikit-learn's C is spelt c.
    c: { type: 'number', default: 1, min: 0, exclusiveMin: true, log: true, description: "inverse regularisation strength (scikit-learn's C): larger = less shrinkage" },
    max_iter: { type: 'int', default: 500, min: 1, max: 100_000, description: 'most solver iterations (Newton steps or L-BFGS iterations)' },
    tol: { type: 'number', default: 1e-10, min: 0, exclusiveMin: true, log: true, description: 'stop when max |gradient| / max(1, c·Σ weights) ≤ tol' },
    class_weight: { type: 'enum', choices: ['none', 'balanced'], default: 'none', description: 'balanced: weight each class by n / (2 · its count)' },
    solver: { type: 'enum', choices: ['auto', 'newton', 'lbfgs'], default: 'auto', description: `auto: Newton up to ${NEWTON_MAX_FEATURES} features, L-BFGS above` },
  }),
} satisfies ModelSpec

// ---------------------------------------------------------------------------------------------
// The optimisation problem, independent of the component (exported for tests and for reuse as a
// meta-learner on stacked outputs).

// ---------------------------------------------------------------------------------------------

class Logistic extends BaseComponent<typeof spec> {
  private coef: Float64Array = new Float64Array(0)
  private intercept: Float64Array = new Float64Array(1)

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const [n, f] = data.x.shape
    const label = data.y?.label
    if (!label)
      throw new FactoryError('E_CONFIG', `${this.label} fits the target y.label (1 = triple-barrier +1, else 0); got targets: ${Object.keys(data.y ?? {}).join(', ') || '(none)'}`, {
        path: 'y.label',
        valid: ['label'],
      })
    const counts = [0, 0]
    for (let i = 0; i < n; i++) {
      const v = label[i]
      if (v !== 0 && v !== 1)
        throw new FactoryError('E_VALIDATION', `${this.label}: y.label is ${v} at row ${i}; it must be 0 or 1`, { path: 'y.label', row: i, value: v, valid: [0, 1] })
      counts[v]++
    }
    const w = data.weight
    if (w)
      for (let i = 0; i < n; i++)
        if (w[i] < 0) throw new FactoryError('E_VALIDATION', `${this.label}: weight is ${w[i]} at row ${i}; sample weights must be ≥ 0`, { path: 'weight', row: i, value: w[i], valid: ['≥ 0'] })
    const cw = this.params.class_weight === 'balanced' ? [n / (2 * counts[0]), n / (2 * counts[1])] : [1, 1]
    const s = new Float64Array(n)
    const present = [0, 0]
    for (let i = 0; i < n; i++) {
      const yi = label[i]
      s[i] = this.params.c * (w ? w[i] : 1) * cw[yi]
      if (s[i] > 0) present[yi] = 1
    }
    // With one class the unpenalised intercept runs to ±∞: there is no optimum to report.
    if (!present[0] || !present[1]) {
      const only = present[1] ? 1 : present[0] ? 0 : 'no'
      throw new FactoryError('E_VALIDATION', `${this.label}: y.label holds only class ${only} among the ${n} rows with positive weight; logistic regression needs both 0 and 1`, {
        path: 'y.label',
        value: counts,
        valid: [0, 1],
      })
    }
    const solver = this.params.solver === 'auto' ? (f <= NEWTON_MAX_FEATURES ? 'newton' : 'lbfgs') : this.params.solver
    const tol = this.params.tol
    let g0 = NaN
    const sol = solveLogistic(
      { x: data.x.data, n, f, y: label, s },
      {
        solver,
        maxIter: this.params.max_iter,
        tol,
        // progress on a log scale of the gradient: each Newton step moves it visibly
        onIteration: (it, gn, obj) => {
          if (it === 0) g0 = gn
          const frac = g0 > tol && gn > 0 ? Math.log(g0 / gn) / Math.log(g0 / tol) : 0
          ctx.progress(Math.min(0.99, Math.max(0, frac)), { epoch: it, metrics: { objective: obj, grad_norm: gn } })
        },
      },
    )
    this.coef = sol.coef
    this.intercept = Float64Array.of(sol.intercept)
    return { solver, iterations: sol.iterations, grad_norm: sol.gradNorm, objective: sol.objective, converged: sol.converged }
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const { coef } = this
    if (coef.length !== f)
      throw new FactoryError('E_CONFIG', `${this.label} holds ${coef.length} coefficients but the input has ${f} columns; the saved state is corrupt`, { value: coef.length, valid: [f] })
    const b = this.intercept[0]
    const d = x.data
    const p = new Float64Array(n)
    for (let i = 0, o = 0; i < n; i++, o += f) {
      let z = b
      for (let j = 0; j < f; j++) z += d[o + j] * coef[j]
      const e = Math.exp(-Math.abs(z))
      p[i] = z >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
    return { p_up: p }
  }

  protected saveState(): PluginState {
    // copies: a later refit must not change what was saved
    return { state: {}, arrays: { coef: this.coef.slice(), intercept: this.intercept.slice() } }
  }

  protected loadState(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    const { coef, intercept } = arrays
    if (!(coef instanceof Float64Array) || !(intercept instanceof Float64Array) || intercept.length !== 1)
      throw new FactoryError('E_CONFIG', `${this.label} saved state needs Float64Array arrays 'coef' (f) and 'intercept' (1); got ${Object.keys(arrays).join(', ') || 'none'}`, {
        value: Object.keys(arrays),
        valid: ['coef', 'intercept'],
      })
    this.coef = coef.slice()
    this.intercept = intercept.slice()
  }
}

registerModel(spec, (params, opts) => new Logistic('model', spec, params, opts))
