/**
 * Unpenalised, weighted logistic regression on a handful of columns, solved by Newton's method to
 * the optimum. Platt scaling (soft targets, 2 parameters) and beta calibration (3 parameters) are
 * both this problem; they differ only in the columns and the targets.
 *
 *     L(θ) = Σ wᵢ · [softplus(zᵢ) − tᵢ·zᵢ],   zᵢ = Σⱼ θⱼ·xᵢⱼ + θ_intercept,   tᵢ ∈ [0, 1]
 *
 * L is convex; with both classes present and non-separable data it has a unique finite minimiser
 * and Newton converges quadratically, so we iterate until the per-weight gradient is at the
 * rounding floor (GRAD_TOL) instead of stopping at a loose tolerance as general-purpose BFGS
 * does. When the labels are separable the minimiser is at infinity: Newton then keeps growing θ
 * without the gradient reaching the floor, and we report `converged: false` rather than an
 * arbitrary point.
 */

export interface LogisticColumns {
  /** feature columns, each of length n */
  cols: readonly Float64Array[]
  /** targets in [0, 1] (0/1 labels, or Platt's smoothed targets) */
  t: Float64Array
  /** per-row weights, undefined = all ones */
  w: Float64Array | undefined
}

export interface LogisticFit {
  /** one coefficient per column, then the intercept */
  theta: Float64Array
  iterations: number
  /** max |∂L/∂θ| / Σw at the returned point */
  gradNorm: number
  loss: number
  converged: boolean
  /**
   * The data look separable: no finite optimum (Newton did not converge), or it ran out to a
   * coefficient beyond MAX_COEF, where the "calibration map" is a step function. Callers refuse
   * such a fit rather than ship it.
   */
  separated: boolean
}

/** Mean log loss below which 0/1 labels count as separated (every row predicted with p > 1 − 1e-6). */
export const SEPARATED_LOSS = 1e-6

/** No calibration map needs a slope or intercept this large; beyond it the map is a step. */
export const MAX_COEF = 1e4

/** Per-weight gradient at which the optimum is reached: a few ulps of an average log-loss term. */
export const GRAD_TOL = 1e-12
const MAX_ITER = 100

function evaluate(p: LogisticColumns, theta: Float64Array, grad?: Float64Array, hess?: Float64Array): number {
  const { cols, t, w } = p
  const k = cols.length
  const m = k + 1
  const n = t.length
  if (grad) grad.fill(0)
  if (hess) hess.fill(0)
  let loss = 0
  const xi = new Float64Array(m)
  xi[k] = 1
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1
    if (wi === 0) continue
    let z = theta[k]
    for (let j = 0; j < k; j++) {
      xi[j] = cols[j][i]
      z += theta[j] * xi[j]
    }
    // one exp per row serves the loss, σ and σ(1 − σ) (the last without cancellation when σ ≈ 1)
    const e = Math.exp(-Math.abs(z))
    loss += wi * ((z > 0 ? z : 0) + Math.log1p(e) - t[i] * z)
    if (!grad) continue
    const s = z >= 0 ? 1 / (1 + e) : e / (1 + e)
    const r = wi * (s - t[i])
    for (let j = 0; j < m; j++) grad[j] += r * xi[j]
    if (!hess) continue
    const h = (wi * e) / ((1 + e) * (1 + e))
    for (let a = 0; a < m; a++) for (let b = a; b < m; b++) hess[a * m + b] += h * xi[a] * xi[b]
  }
  if (hess) for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[a * m + b] = hess[b * m + a]
  return loss
}

/** Solve H d = −g (m ≤ 4) by Gaussian elimination with partial pivoting; false if H is singular. */
function solveNewton(H: Float64Array, g: Float64Array, m: number, d: Float64Array): boolean {
  const A = H.slice()
  const b = Float64Array.from(g, (v) => -v)
  for (let c = 0; c < m; c++) {
    let piv = c
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]) > Math.abs(A[piv * m + c])) piv = r
    if (!(Math.abs(A[piv * m + c]) > 0)) return false
    if (piv !== c) {
      for (let j = 0; j < m; j++) [A[c * m + j], A[piv * m + j]] = [A[piv * m + j], A[c * m + j]]
      ;[b[c], b[piv]] = [b[piv], b[c]]
    }
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c] / A[c * m + c]
      for (let j = c; j < m; j++) A[r * m + j] -= f * A[c * m + j]
      b[r] -= f * b[c]
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let v = b[r]
    for (let j = r + 1; j < m; j++) v -= A[r * m + j] * d[j]
    d[r] = v / A[r * m + r]
  }
  return d.every(Number.isFinite)
}

/**
 * Minimise L from `start` (default: zero slopes, intercept at the weighted mean target's log-odds).
 * `onIteration` is called once per Newton step (progress and cancellation).
 */
export function fitLogistic(p: LogisticColumns, opts: { start?: Float64Array; onIteration?: (it: number, gradNorm: number) => void } = {}): LogisticFit {
  const r = newton(p, opts)
  let big = 0
  for (const v of r.theta) big = Math.max(big, Math.abs(v))
  // With 0/1 targets a (near-)zero loss means every row is fitted with certainty: separated data,
  // whose gradient vanishes at a large but finite θ before Newton could run it out to infinity.
  let sw = 0
  let hard = true
  for (let i = 0; i < p.t.length; i++) {
    sw += p.w ? p.w[i] : 1
    if (p.t[i] !== 0 && p.t[i] !== 1) hard = false
  }
  const certain = hard && r.loss <= SEPARATED_LOSS * sw
  return { ...r, separated: !r.converged || !(big <= MAX_COEF) || certain }
}

function newton(p: LogisticColumns, opts: { start?: Float64Array; onIteration?: (it: number, gradNorm: number) => void }): Omit<LogisticFit, 'separated'> {
  const k = p.cols.length
  const m = k + 1
  const n = p.t.length
  let sw = 0
  let st = 0
  for (let i = 0; i < n; i++) {
    const wi = p.w ? p.w[i] : 1
    sw += wi
    st += wi * p.t[i]
  }
  const theta = opts.start ? opts.start.slice() : new Float64Array(m)
  if (!opts.start) {
    const mean = Math.min(1 - 1e-12, Math.max(1e-12, st / sw))
    theta[k] = Math.log(mean / (1 - mean))
  }
  const g = new Float64Array(m)
  const H = new Float64Array(m * m)
  const d = new Float64Array(m)
  const trial = new Float64Array(m)
  for (let it = 0; ; it++) {
    const L = evaluate(p, theta, g, H)
    let gmax = 0
    for (let j = 0; j < m; j++) gmax = Math.max(gmax, Math.abs(g[j]))
    const gradNorm = gmax / sw
    opts.onIteration?.(it, gradNorm)
    if (gradNorm <= GRAD_TOL) return { theta, iterations: it, gradNorm, loss: L, converged: true }
    if (it >= MAX_ITER || !solveNewton(H, g, m, d)) return { theta, iterations: it, gradNorm, loss: L, converged: false }
    // backtracking keeps each step a descent step far from the optimum; near it the full step is taken
    let step = 1
    let accepted = false
    let slope = 0
    for (let j = 0; j < m; j++) slope += g[j] * d[j]
    // Near the optimum the predicted decrease (the Newton decrement, −slope/2) falls below the
    // rounding error of summing n losses, so a line search would reject good full steps at
    // random and stall; there Newton is in its quadratic region and the full step is taken.
    if (-slope <= 1e-9 * (1 + Math.abs(L))) {
      for (let j = 0; j < m; j++) theta[j] += d[j]
      continue
    }
    for (let b = 0; b < 60; b++, step *= 0.5) {
      for (let j = 0; j < m; j++) trial[j] = theta[j] + step * d[j]
      const Lt = evaluate(p, trial)
      if (Lt <= L + 1e-4 * step * slope + 1e-14 * (1 + Math.abs(L))) {
        accepted = true
        break
      }
    }
    if (!accepted) return { theta, iterations: it, gradNorm, loss: L, converged: gradNorm <= GRAD_TOL * 1e3 }
    theta.set(trial)
  }
}
