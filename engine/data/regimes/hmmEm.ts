import { FactoryError } from '../../contracts/errors.ts'
import { compileHmm, emissionMatrix, missingRows } from './hmmEmissions.ts'
import type { CompiledHmm, HmmParams } from './hmmEmissions.ts'
import { floorFullCovariance } from './hmmLinalg.ts'

/**
 * One Baum–Welch iteration, split into the E-step (scaled forward–backward, Rabiner 1989 §V.A)
 * and the M-step. Scaling rather than log-space keeps the inner loops to multiplies: each
 * emission row is divided by its largest entry and each forward step by its sum c_t, so
 * log p(o_1..o_n) = Σ_t (log c_t + off_t).
 *
 * Speed (a 400k-row fit runs ~50 of these per restart): every buffer lives in the workspace, so
 * an iteration allocates only the small parameter object; the missing-row mask is computed once
 * per observation matrix, not per iteration; log c_t is taken on running products of c_t
 * rather than per row; the backward pass also accumulates the M-step's weighted sums.
 */

/** Buffers bound to one observation matrix and reused across iterations and restarts. */
export interface EmWorkspace {
  obs: Float64Array
  n: number
  d: number
  K: number
  /** n×K emission likelihoods, each row divided by its largest entry */
  B: Float64Array
  /** n: the log of that largest entry (0 on missing rows) */
  off: Float64Array
  /** n: 1 / c_t of the forward pass */
  invScale: Float64Array
  /** alpha during the forward pass, overwritten by gamma during the backward pass */
  gamma: Float64Array
  /** K×K expected transition counts */
  xiSum: Float64Array
  /** K: Σ_t gamma over non-missing rows */
  wsum: Float64Array
  /** K×d: Σ_t gamma·x over non-missing rows */
  xsum: Float64Array
  /** n: 1 where the row has a non-finite feature */
  missing: Uint8Array
  /** scratch of length K: beta, the backward message, and w = B·beta/c */
  beta: Float64Array
  w: Float64Array
  /** first row with zero probability under every state in the last forward pass, else −1 */
  zeroRow: number
}

export function createWorkspace(obs: Float64Array, n: number, d: number, K: number): EmWorkspace {
  const missing = new Uint8Array(n)
  missingRows(obs, n, d, missing)
  return {
    obs, n, d, K,
    B: new Float64Array(n * K),
    off: new Float64Array(n),
    invScale: new Float64Array(n),
    gamma: new Float64Array(n * K),
    xiSum: new Float64Array(K * K),
    wsum: new Float64Array(K),
    xsum: new Float64Array(K * d),
    missing,
    beta: new Float64Array(K),
    w: new Float64Array(K),
    zeroRow: -1,
  }
}

// c_t ≤ 1 (a probability-weighted mean of emission ratios ≤ 1), so a running product only
// shrinks: take its log once it passes PROD_FLUSH. A c_t below SMALL_C goes straight to the log
// so the product can never reach the subnormal range (it stays ≥ 1e-200·1e-100).
const PROD_FLUSH = 1e-200
const SMALL_C = 1e-100

/**
 * Forward pass: scaled alpha into ws.gamma, 1/c_t into ws.invScale. Returns log p(o_1..o_n), or
 * −Infinity (with ws.zeroRow set) when some row is impossible under every state.
 */
function forward(cp: CompiledHmm, ws: EmWorkspace): number {
  const { K, A, pi } = cp
  const { n, B, off, invScale, gamma: alpha } = ws
  emissionMatrix(cp, ws.obs, n, B, off, ws.missing)
  ws.zeroRow = -1
  let ll = 0
  let prod = 1
  for (let t = 0, b = 0; t < n; t++, b += K) {
    let c = 0
    if (t === 0) {
      for (let k = 0; k < K; k++) { const a = pi[k] * B[k]; alpha[k] = a; c += a }
    } else {
      const p = b - K
      for (let k = 0; k < K; k++) {
        let s = 0
        for (let i = 0; i < K; i++) s += alpha[p + i] * A[i * K + k]
        const a = s * B[b + k]
        alpha[b + k] = a
        c += a
      }
    }
    if (!(c > 0) || !Number.isFinite(c)) { ws.zeroRow = t; return -Infinity }
    const inv = 1 / c
    for (let k = 0; k < K; k++) alpha[b + k] *= inv
    invScale[t] = inv
    ll += off[t]
    if (c < SMALL_C) ll += Math.log(c)
    else if ((prod *= c) < PROD_FLUSH) { ll += Math.log(prod); prod = 1 }
  }
  return ll + Math.log(prod)
}

/**
 * Forward–backward; fills ws.gamma (posteriors), ws.xiSum (expected transition counts) and the
 * weighted sums ws.wsum / ws.xsum that the M-step's means need. Returns log p(o_1..o_n).
 */
export function eStep(cp: CompiledHmm, ws: EmWorkspace): number {
  const ll = forward(cp, ws)
  if (ws.zeroRow >= 0) {
    throw new FactoryError('E_NAN_INPUT', `HMM forward pass: observation row ${ws.zeroRow} has zero probability under every state (likelihood underflow or non-finite parameters)`, { line: ws.zeroRow })
  }
  const { K, A } = cp
  const { n, d, obs, B, invScale, gamma: alpha, xiSum, wsum, xsum, missing, beta, w } = ws
  // xi_t(i,j) = alpha_t(i)·A_ij·w_j; A_ij is pulled out of the sum over t and applied at the end.
  xiSum.fill(0)
  wsum.fill(0)
  xsum.fill(0)
  beta.fill(1)
  // gamma_{n-1} = alpha_{n-1}·1: already in place. The loop runs t = n−1 (sums only) down to 0;
  // the sums are inlined rather than a helper call, which V8 left as a closure call per row.
  for (let t = n - 1; t >= 0; t--) {
    const b = t * K
    if (t < n - 1) {
      const nb = b + K
      const ic = invScale[t + 1]
      for (let j = 0; j < K; j++) w[j] = B[nb + j] * beta[j] * ic
      for (let i = 0; i < K; i++) {
        const ai = alpha[b + i]
        const r = i * K
        let s = 0
        for (let j = 0; j < K; j++) {
          s += A[r + j] * w[j]
          xiSum[r + j] += ai * w[j]
        }
        beta[i] = s
      }
      for (let i = 0; i < K; i++) alpha[b + i] *= beta[i]
    }
    if (missing[t]) continue
    const ob = t * d
    for (let k = 0; k < K; k++) {
      const g = alpha[b + k]
      wsum[k] += g
      for (let j = 0; j < d; j++) xsum[k * d + j] += g * obs[ob + j]
    }
  }
  for (let i = 0; i < K * K; i++) xiSum[i] *= A[i]
  return ll
}

/**
 * Log-likelihood by the forward pass alone (no backward, no posteriors); −Infinity when some row
 * is impossible under every state. Missing rows are marginalised, matching eStep.
 */
export function forwardLogLik(cp: CompiledHmm, ws: EmWorkspace): number {
  return forward(cp, ws)
}

export interface FloorSpec {
  /** per-feature scale s_j (the training standard deviation) */
  scale: ArrayLike<number>
  /** relative floor c: every state's variance along feature j is at least c·s_j² */
  varFloor: number
}

/**
 * M-step from the posteriors and sums left in ws by eStep. Means and covariances use only
 * non-missing rows; covariances are a second, centred pass around the new means, which keeps
 * precision on features whose mean is large relative to their spread. A state with zero
 * posterior weight keeps its old emission parameters; a transition row with zero mass keeps its
 * old row.
 */
export function mStep(prev: HmmParams, ws: EmWorkspace, floor: FloorSpec): HmmParams {
  const { K, d } = prev
  const { n, obs, gamma, xiSum, missing, wsum, xsum } = ws
  const diag = prev.covariance === 'diag'
  let s0 = 0
  for (let k = 0; k < K; k++) s0 += gamma[k]
  const pi = Array.from({ length: K }, (_, k) => gamma[k] / s0)
  const A: number[][] = []
  for (let i = 0; i < K; i++) {
    let rs = 0
    for (let j = 0; j < K; j++) rs += xiSum[i * K + j]
    A.push(rs > 0 ? Array.from({ length: K }, (_, j) => xiSum[i * K + j] / rs) : prev.A[i].slice())
  }
  const mu = new Float64Array(K * d)
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) mu[k * d + j] = xsum[k * d + j] / wsum[k]
  // diag: S holds K×d variances' numerators; full: K×d×d lower triangles.
  const S = diag ? centredDiagScatter(obs, n, d, K, gamma, missing, mu) : centredFullScatter(obs, n, d, K, gamma, missing, mu)
  const means: number[][] = []
  const covs: number[][][] = []
  for (let k = 0; k < K; k++) {
    if (!(wsum[k] > 0)) {
      means.push(prev.means[k].slice())
      covs.push(prev.covs[k].map((r) => r.slice()))
      continue
    }
    means.push(Array.from(mu.subarray(k * d, k * d + d)))
    const C = new Float64Array(d * d)
    if (diag) {
      for (let j = 0; j < d; j++) {
        const v = S[k * d + j] / wsum[k]
        const f = floor.varFloor * floor.scale[j] * floor.scale[j]
        C[j * d + j] = v >= f ? v : f
      }
    } else {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++) {
          const v = S[k * d * d + i * d + j] / wsum[k]
          C[i * d + j] = v
          C[j * d + i] = v
        }
      }
      floorFullCovariance(C, d, floor.scale, floor.varFloor)
    }
    covs.push(Array.from({ length: d }, (_, i) => Array.from(C.subarray(i * d, i * d + d))))
  }
  return { ...prev, pi, A, means, covs, logLik: NaN, iterations: prev.iterations + 1, converged: false, logLikHistory: [] }
}

function centredDiagScatter(obs: Float64Array, n: number, d: number, K: number, gamma: Float64Array, missing: Uint8Array, mu: Float64Array): Float64Array {
  const S = new Float64Array(K * d)
  for (let t = 0, gb = 0, ob = 0; t < n; t++, gb += K, ob += d) {
    if (missing[t]) continue
    for (let k = 0; k < K; k++) {
      const g = gamma[gb + k]
      const mk = k * d
      for (let j = 0; j < d; j++) { const z = obs[ob + j] - mu[mk + j]; S[mk + j] += g * z * z }
    }
  }
  return S
}

function centredFullScatter(obs: Float64Array, n: number, d: number, K: number, gamma: Float64Array, missing: Uint8Array, mu: Float64Array): Float64Array {
  const S = new Float64Array(K * d * d)
  const z = new Float64Array(d)
  for (let t = 0, gb = 0, ob = 0; t < n; t++, gb += K, ob += d) {
    if (missing[t]) continue
    for (let k = 0; k < K; k++) {
      const g = gamma[gb + k]
      const sk = k * d * d
      for (let j = 0; j < d; j++) z[j] = obs[ob + j] - mu[k * d + j]
      for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) S[sk + i * d + j] += g * z[i] * z[j]
    }
  }
  return S
}

/**
 * One full Baum–Welch update from `params`: returns the updated parameters and the
 * log-likelihood of the INPUT parameters (the quantity the E-step computes). Exposed for the
 * reference check against the numpy implementation and for the monotonicity test.
 */
export function emStep(params: HmmParams, obs: Float64Array, n: number, d: number, floor: FloorSpec): { params: HmmParams; logLik: number } {
  if (obs.length !== n * d || params.d !== d) {
    throw new FactoryError('E_SHAPE', `emStep: obs has ${obs.length} values, expected n·d = ${n}·${d}, params.d = ${params.d}`, { value: obs.length })
  }
  const ws = createWorkspace(obs, n, d, params.K)
  const ll = eStep(compileHmm(params), ws)
  return { params: mStep(params, ws, floor), logLik: ll }
}
