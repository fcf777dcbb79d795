import { FactoryError } from '../../contracts/errors.ts'
import { cholesky, invertLower } from './hmmLinalg.ts'

export type CovarianceType = 'diag' | 'full'

/**
 * Plain JSON-serialisable HMM parameters. `covs` are always full d×d matrices (zeros off the
 * diagonal in 'diag' mode) so downstream readers need not care which form was fitted.
 */
export interface HmmParams {
  K: number
  d: number
  covariance: CovarianceType
  pi: number[]
  A: number[][]
  means: number[][]
  covs: number[][][]
  /** log-likelihood of the training rows under these exact parameters */
  logLik: number
  /** EM updates applied (M-steps) in the kept restart */
  iterations: number
  converged: boolean
  /** log-likelihood of the parameters before each M-step, then of the final parameters */
  logLikHistory: number[]
}

/** Parameters unpacked into typed arrays with the emission constants precomputed. */
export interface CompiledHmm {
  K: number
  d: number
  diag: boolean
  pi: Float64Array
  A: Float64Array
  means: Float64Array
  /** diag: K×d inverse variances; full: K×d×d inverse lower Cholesky factors */
  prec: Float64Array
  /** K log-normalising constants: −½(d·log2π + log|Σ|) */
  logNorm: Float64Array
}

const LOG_2PI = Math.log(2 * Math.PI)

export function compileHmm(p: HmmParams): CompiledHmm {
  const { K, d } = p
  const diag = p.covariance === 'diag'
  const pi = Float64Array.from(p.pi)
  const A = new Float64Array(K * K)
  const means = new Float64Array(K * d)
  const prec = new Float64Array(diag ? K * d : K * d * d)
  const logNorm = new Float64Array(K)
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < K; j++) A[k * K + j] = p.A[k][j]
    for (let j = 0; j < d; j++) means[k * d + j] = p.means[k][j]
    let logDet = 0
    if (diag) {
      for (let j = 0; j < d; j++) {
        const v = p.covs[k][j][j]
        if (!(v > 0)) throw badCov(k, `variance of feature ${j} is ${v}`)
        prec[k * d + j] = 1 / v
        logDet += Math.log(v)
      }
    } else {
      const L = cholesky(p.covs[k].flat(), d)
      if (!L) throw badCov(k, 'matrix is not positive definite')
      const M = invertLower(L, d)
      prec.set(M, k * d * d)
      for (let j = 0; j < d; j++) logDet += 2 * Math.log(L[j * d + j])
    }
    logNorm[k] = -0.5 * (d * LOG_2PI + logDet)
  }
  return { K, d, diag, pi, A, means, prec, logNorm }
}

function badCov(k: number, why: string): FactoryError {
  return new FactoryError('E_PARAM', `HMM covariance of state ${k} is unusable: ${why}; covariances must be positive definite`, {
    path: `covs[${k}]`,
  })
}

/** True when row t has any non-finite feature (warm-up or a gap): its emission carries no information. */
export function rowMissing(obs: Float64Array, t: number, d: number): boolean {
  const b = t * d
  for (let j = 0; j < d; j++) if (!Number.isFinite(obs[b + j])) return true
  return false
}

/**
 * Log emission densities of row t into out[0..K). The caller has checked the row is finite.
 */
export function logEmissionRow(cp: CompiledHmm, obs: Float64Array, t: number, out: Float64Array): void {
  const { K, d, diag, means, prec, logNorm } = cp
  const b = t * d
  if (diag) {
    for (let k = 0; k < K; k++) {
      let s = 0
      const mk = k * d
      for (let j = 0; j < d; j++) {
        const z = obs[b + j] - means[mk + j]
        s += z * z * prec[mk + j]
      }
      out[k] = logNorm[k] - 0.5 * s
    }
  } else {
    const dd = d * d
    for (let k = 0; k < K; k++) {
      let s = 0
      const mk = k * d, pk = k * dd
      for (let i = 0; i < d; i++) {
        let z = 0
        for (let j = 0; j <= i; j++) z += prec[pk + i * d + j] * (obs[b + j] - means[mk + j])
        s += z * z
      }
      out[k] = logNorm[k] - 0.5 * s
    }
  }
}

/** Flags rows with any non-finite feature into out[0..n): computed once per observation matrix. */
export function missingRows(obs: Float64Array, n: number, d: number, out: Uint8Array): void {
  for (let t = 0; t < n; t++) out[t] = rowMissing(obs, t, d) ? 1 : 0
}

/**
 * Emission likelihoods for every row, each row rescaled by its maximum so nothing underflows:
 * B[t,k] = exp(logN_k(o_t) − off[t]) with off[t] = max_k logN_k(o_t). Rows flagged in `missing`
 * (see missingRows) get B = 1 and off = 0: the observation is marginalised out.
 * The largest entry is set to exactly 1 (= exp(0)) without calling exp, so a row costs K − 1 exps.
 */
export function emissionMatrix(cp: CompiledHmm, obs: Float64Array, n: number, B: Float64Array, off: Float64Array, missing: Uint8Array): void {
  const { K, d } = cp
  if (cp.diag) { diagEmissions(cp, obs, n, B, off, missing); return }
  const row = new Float64Array(K)
  for (let t = 0, bk = 0; t < n; t++, bk += K) {
    if (missing[t]) {
      off[t] = 0
      for (let k = 0; k < K; k++) B[bk + k] = 1
      continue
    }
    logEmissionRow(cp, obs, t, row)
    let mx = -Infinity, arg = 0
    for (let k = 0; k < K; k++) if (row[k] > mx) { mx = row[k]; arg = k }
    off[t] = mx
    for (let k = 0; k < K; k++) B[bk + k] = k === arg ? 1 : Math.exp(row[k] - mx)
  }
}

/** The diagonal case inlined (the hot loop of a fit): same arithmetic as logEmissionRow. */
function diagEmissions(cp: CompiledHmm, obs: Float64Array, n: number, B: Float64Array, off: Float64Array, missing: Uint8Array): void {
  const { K, d, means, prec, logNorm } = cp
  const d2 = d === 2
  for (let t = 0, bk = 0, ob = 0; t < n; t++, bk += K, ob += d) {
    if (missing[t]) {
      off[t] = 0
      for (let k = 0; k < K; k++) B[bk + k] = 1
      continue
    }
    let mx = -Infinity, arg = 0
    for (let k = 0, mk = 0; k < K; k++, mk += d) {
      let s = 0
      if (d2) {
        // the regimes stage's (return, volatility) pair, unrolled: same sum in the same order
        const z0 = obs[ob] - means[mk], z1 = obs[ob + 1] - means[mk + 1]
        s = z0 * z0 * prec[mk] + z1 * z1 * prec[mk + 1]
      } else {
        for (let j = 0; j < d; j++) { const z = obs[ob + j] - means[mk + j]; s += z * z * prec[mk + j] }
      }
      const l = logNorm[k] - 0.5 * s
      B[bk + k] = l
      if (l > mx) { mx = l; arg = k }
    }
    off[t] = mx
    for (let k = 0; k < K; k++) B[bk + k] = k === arg ? 1 : Math.exp(B[bk + k] - mx)
  }
}
