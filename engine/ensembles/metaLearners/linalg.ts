import { choleskySolveNeg } from '../../models/tabular/logisticSolver.ts'
/**
 * The small dense algebra the meta-learners share. Meta-feature counts are tiny (members ×
 * outputs + regimes, rarely above 20), so everything past one pass over the rows works on f × f
 * matrices and costs nothing next to that pass.
 */

/** Weighted column means of row-major (n, f) x, and the total weight. Unweighted when w is undefined. */
export function weightedMeans(x: Float64Array, n: number, f: number, w: Float64Array | undefined): { mean: Float64Array; total: number } {
  const mean = new Float64Array(f)
  let total = 0
  for (let i = 0, o = 0; i < n; i++, o += f) {
    const s = w ? w[i] : 1
    if (s === 0) continue
    total += s
    for (let j = 0; j < f; j++) mean[j] += s * x[o + j]
  }
  for (let j = 0; j < f; j++) mean[j] /= total
  return { mean, total }
}

export function weightedMean(y: Float64Array, w: Float64Array | undefined): number {
  let s = 0
  let t = 0
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1
    s += wi * y[i]
    t += wi
  }
  return s / t
}

/**
 * Centred weighted cross-products: G = Σ sᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ and c = Σ sᵢ (xᵢ − x̄)(yᵢ − ȳ).
 * Centring first keeps the sums free of the cancellation a raw Σ x xᵀ − n x̄ x̄ᵀ suffers.
 */
export function centredGram(
  x: Float64Array, n: number, f: number, y: Float64Array, w: Float64Array | undefined, xMean: Float64Array, yMean: number,
): { G: Float64Array; c: Float64Array } {
  const G = new Float64Array(f * f)
  const c = new Float64Array(f)
  const d = new Float64Array(f)
  for (let i = 0, o = 0; i < n; i++, o += f) {
    const s = w ? w[i] : 1
    if (s === 0) continue
    for (let j = 0; j < f; j++) d[j] = x[o + j] - xMean[j]
    const r = s * (y[i] - yMean)
    for (let j = 0; j < f; j++) {
      const sj = s * d[j]
      c[j] += r * d[j]
      for (let k = j; k < f; k++) G[j * f + k] += sj * d[k]
    }
  }
  for (let j = 0; j < f; j++) for (let k = j + 1; k < f; k++) G[k * f + j] = G[j * f + k]
  return { G, c }
}

/** Solve A z = b for symmetric positive definite A (m × m) by Cholesky; undefined if A is not PD.
 *  The factorisation is the logistic solver's (negating b twice is exact). */
export function choleskySolve(A: Float64Array, b: Float64Array, m: number): Float64Array | undefined {
  const negB = Float64Array.from(b, (v) => -v)
  const z = new Float64Array(m)
  return choleskySolveNeg(A, negB, m, new Float64Array(m * m), z) ? z : undefined
}

export const softThreshold = (v: number, t: number): number => (v > t ? v - t : v < -t ? v + t : 0)

export interface LinearFit {
  coef: Float64Array
  intercept: number
  /** solver iterations (0 for closed forms) */
  iterations: number
  converged: boolean
}
