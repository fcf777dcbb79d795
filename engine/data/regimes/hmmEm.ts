import { FactoryError } from '../../contracts/errors.ts'
import { compileHmm, emissionMatrix } from './hmmEmissions.ts'
import type { CompiledHmm, HmmParams } from './hmmEmissions.ts'
import { floorFullCovariance } from './hmmLinalg.ts'

/**
 * One Baum–Welch iteration, split into the E-step (scaled forward–backward, Rabiner 1989 §V.A)
 * and the M-step. Scaling rather than log-space keeps the inner loops to multiplies: each
 * emission row is divided by its largest entry and each forward step by its sum c_t, so
 * log p(o_1..o_n) = Σ_t (log c_t + off_t).
 */

/** Buffers reused across iterations so a 200k-row fit allocates once. */
export interface EmWorkspace {
  n: number
  K: number
  B: Float64Array
  off: Float64Array
  scale: Float64Array
  /** alpha during the forward pass, overwritten by gamma during the backward pass */
  gamma: Float64Array
  xiSum: Float64Array
  missing: Uint8Array
}

export function createWorkspace(n: number, K: number): EmWorkspace {
  return {
    n,
    K,
    B: new Float64Array(n * K),
    off: new Float64Array(n),
    scale: new Float64Array(n),
    gamma: new Float64Array(n * K),
    xiSum: new Float64Array(K * K),
    missing: new Uint8Array(n),
  }
}

/** Forward–backward; fills ws.gamma (posteriors) and ws.xiSum (expected transition counts). */
export function eStep(cp: CompiledHmm, obs: Float64Array, n: number, ws: EmWorkspace): number {
  const { K, A, pi } = cp
  const { B, off, scale, gamma: alpha, xiSum } = ws
  emissionMatrix(cp, obs, n, B, off, ws.missing)
  let ll = 0
  for (let t = 0; t < n; t++) {
    const b = t * K
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
    if (!(c > 0) || !Number.isFinite(c)) {
      throw new FactoryError('E_NAN_INPUT', `HMM forward pass: observation row ${t} has zero probability under every state (likelihood underflow or non-finite parameters)`, { line: t })
    }
    const inv = 1 / c
    for (let k = 0; k < K; k++) alpha[b + k] *= inv
    scale[t] = c
    ll += Math.log(c) + off[t]
  }
  xiSum.fill(0)
  const beta = new Float64Array(K).fill(1)
  const w = new Float64Array(K)
  // gamma_{n-1} = alpha_{n-1}·1: already in place.
  for (let t = n - 2; t >= 0; t--) {
    const b = t * K, nb = b + K
    const ic = 1 / scale[t + 1]
    for (let j = 0; j < K; j++) w[j] = B[nb + j] * beta[j] * ic
    for (let i = 0; i < K; i++) {
      const ai = alpha[b + i]
      let s = 0
      for (let j = 0; j < K; j++) {
        const v = A[i * K + j] * w[j]
        s += v
        xiSum[i * K + j] += ai * v
      }
      beta[i] = s
    }
    for (let i = 0; i < K; i++) alpha[b + i] *= beta[i]
  }
  return ll
}

/**
 * Log-likelihood by the forward pass alone (no backward, no posteriors). Missing rows are
 * marginalised, matching eStep.
 */
export function forwardLogLik(cp: CompiledHmm, obs: Float64Array, n: number, ws: EmWorkspace): number {
  const { K, A, pi } = cp
  const { B, off } = ws
  emissionMatrix(cp, obs, n, B, off, ws.missing)
  let prev = new Float64Array(K), cur = new Float64Array(K)
  let ll = 0
  for (let t = 0; t < n; t++) {
    const b = t * K
    let c = 0
    for (let k = 0; k < K; k++) {
      let s = 0
      if (t === 0) s = pi[k]
      else for (let i = 0; i < K; i++) s += prev[i] * A[i * K + k]
      cur[k] = s * B[b + k]
      c += cur[k]
    }
    for (let k = 0; k < K; k++) cur[k] /= c
    ll += Math.log(c) + off[t]
    const tmp = prev; prev = cur; cur = tmp
  }
  return ll
}

export interface FloorSpec {
  /** per-feature scale s_j (the training standard deviation) */
  scale: ArrayLike<number>
  /** relative floor c: every state's variance along feature j is at least c·s_j² */
  varFloor: number
}

/**
 * M-step from the posteriors left in ws. Means and covariances use only non-missing rows
 * (two passes: weighted means, then centred scatter, which keeps precision on features whose
 * mean is large relative to their spread). A state with zero posterior weight keeps its old
 * emission parameters; a transition row with zero mass keeps its old row.
 */
export function mStep(prev: HmmParams, obs: Float64Array, n: number, ws: EmWorkspace, floor: FloorSpec): HmmParams {
  const { K, d } = prev
  const { gamma, xiSum, missing } = ws
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
  const wsum = new Float64Array(K)
  const mu = new Float64Array(K * d)
  for (let t = 0; t < n; t++) {
    if (missing[t]) continue
    const gb = t * K, ob = t * d
    for (let k = 0; k < K; k++) {
      const g = gamma[gb + k]
      wsum[k] += g
      for (let j = 0; j < d; j++) mu[k * d + j] += g * obs[ob + j]
    }
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) mu[k * d + j] /= wsum[k]
  const S = new Float64Array(K * d * d)
  const z = new Float64Array(d)
  for (let t = 0; t < n; t++) {
    if (missing[t]) continue
    const gb = t * K, ob = t * d
    for (let k = 0; k < K; k++) {
      const g = gamma[gb + k]
      const sk = k * d * d
      for (let j = 0; j < d; j++) z[j] = obs[ob + j] - mu[k * d + j]
      if (diag) for (let j = 0; j < d; j++) S[sk + j * d + j] += g * z[j] * z[j]
      else for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) S[sk + i * d + j] += g * z[i] * z[j]
    }
  }
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
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        const v = S[k * d * d + i * d + j] / wsum[k]
        C[i * d + j] = v
        C[j * d + i] = v
      }
    }
    if (diag) {
      for (let j = 0; j < d; j++) {
        const f = floor.varFloor * floor.scale[j] * floor.scale[j]
        if (!(C[j * d + j] >= f)) C[j * d + j] = f
      }
    } else {
      floorFullCovariance(C, d, floor.scale, floor.varFloor)
    }
    covs.push(Array.from({ length: d }, (_, i) => Array.from(C.subarray(i * d, i * d + d))))
  }
  return { ...prev, pi, A, means, covs, logLik: NaN, iterations: prev.iterations + 1, converged: false, logLikHistory: [] }
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
  const ws = createWorkspace(n, params.K)
  const ll = eStep(compileHmm(params), obs, n, ws)
  return { params: mStep(params, obs, n, ws, floor), logLik: ll }
}
