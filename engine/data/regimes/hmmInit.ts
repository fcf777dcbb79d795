import type { Rng } from '../rng.ts'
import type { CovarianceType, HmmParams } from './hmmEmissions.ts'
import { rowMissing } from './hmmEmissions.ts'
import { floorFullCovariance } from './hmmLinalg.ts'

/** k-means on at most this many rows: the start point only has to be in the right basin, and
 *  EM on all rows follows, so a bigger sample buys nothing but time. */
const INIT_SAMPLE = 20_000
const LLOYD_ITERS = 10
/** Initial self-transition probability: regimes persist, so start EM from a sticky chain. */
const INIT_STAY = 0.9

/**
 * Starting parameters for one EM restart: k-means++ seeding (Arthur & Vassilvitskii 2007) on
 * features whitened by `scale`, a few Lloyd iterations, then each cluster's mean and
 * covariance (floored like the M-step). All randomness comes from `rng`, so a seed fixes it.
 */
export function initialParams(
  obs: Float64Array, n: number, d: number, K: number, covariance: CovarianceType,
  scale: ArrayLike<number>, varFloor: number, rng: Rng,
): HmmParams {
  const rows: number[] = []
  for (let t = 0; t < n; t++) if (!rowMissing(obs, t, d)) rows.push(t)
  // Partial Fisher–Yates: a uniform sample without replacement, order irrelevant.
  const m = Math.min(rows.length, INIT_SAMPLE)
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(rows.length - i)
    const tmp = rows[i]; rows[i] = rows[j]; rows[j] = tmp
  }
  const Z = new Float64Array(m * d)
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) Z[i * d + j] = obs[rows[i] * d + j] / scale[j]

  const C = new Float64Array(K * d)
  const d2 = new Float64Array(m).fill(Infinity)
  let pick = rng.int(m)
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) C[k * d + j] = Z[pick * d + j]
    let total = 0
    for (let i = 0; i < m; i++) {
      let s = 0
      for (let j = 0; j < d; j++) { const z = Z[i * d + j] - C[k * d + j]; s += z * z }
      if (s < d2[i]) d2[i] = s
      total += d2[i]
    }
    if (k === K - 1) break
    if (!(total > 0)) { pick = rng.int(m); continue }
    let u = rng.next() * total
    pick = m - 1
    for (let i = 0; i < m; i++) { u -= d2[i]; if (u < 0) { pick = i; break } }
  }

  const label = new Int32Array(m)
  const cnt = new Float64Array(K)
  for (let it = 0; it < LLOYD_ITERS; it++) {
    for (let i = 0; i < m; i++) {
      let best = 0, bd = Infinity
      for (let k = 0; k < K; k++) {
        let s = 0
        for (let j = 0; j < d; j++) { const z = Z[i * d + j] - C[k * d + j]; s += z * z }
        if (s < bd) { bd = s; best = k }
      }
      label[i] = best
    }
    const sum = new Float64Array(K * d)
    cnt.fill(0)
    for (let i = 0; i < m; i++) { cnt[label[i]]++; for (let j = 0; j < d; j++) sum[label[i] * d + j] += Z[i * d + j] }
    for (let k = 0; k < K; k++) if (cnt[k] > 0) for (let j = 0; j < d; j++) C[k * d + j] = sum[k * d + j] / cnt[k]
  }

  const global = clusterMoments(obs, d, rows, m, null, 0)
  const means: number[][] = []
  const covs: number[][][] = []
  for (let k = 0; k < K; k++) {
    // A cluster too small for a covariance borrows the global one around its own centre.
    const own = cnt[k] > d + 1 ? clusterMoments(obs, d, rows, m, label, k) : null
    const mean = own ? own.mean : Array.from({ length: d }, (_, j) => C[k * d + j] * scale[j])
    const cov = own ? own.cov : global.cov.slice()
    if (covariance === 'diag') {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) cov[i * d + j] = 0
      for (let j = 0; j < d; j++) cov[j * d + j] = Math.max(cov[j * d + j], varFloor * scale[j] * scale[j])
    } else {
      floorFullCovariance(cov, d, scale, varFloor)
    }
    means.push(mean)
    covs.push(Array.from({ length: d }, (_, i) => Array.from(cov.subarray(i * d, i * d + d))))
  }
  const off = K > 1 ? (1 - INIT_STAY) / (K - 1) : 0
  return {
    K, d, covariance,
    pi: new Array(K).fill(1 / K),
    A: Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? (K > 1 ? INIT_STAY : 1) : off))),
    means, covs,
    logLik: NaN, iterations: 0, converged: false, logLikHistory: [],
  }
}

function clusterMoments(obs: Float64Array, d: number, rows: number[], m: number, label: Int32Array | null, k: number): { mean: number[]; cov: Float64Array } {
  const mean = new Float64Array(d)
  let c = 0
  for (let i = 0; i < m; i++) {
    if (label && label[i] !== k) continue
    c++
    for (let j = 0; j < d; j++) mean[j] += obs[rows[i] * d + j]
  }
  for (let j = 0; j < d; j++) mean[j] /= c
  const cov = new Float64Array(d * d)
  for (let i = 0; i < m; i++) {
    if (label && label[i] !== k) continue
    const b = rows[i] * d
    for (let a = 0; a < d; a++) for (let e = 0; e < d; e++) cov[a * d + e] += (obs[b + a] - mean[a]) * (obs[b + e] - mean[e])
  }
  for (let j = 0; j < d * d; j++) cov[j] /= c
  return { mean: Array.from(mean), cov }
}
