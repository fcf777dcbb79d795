import { FactoryError } from '../../contracts/errors.ts'
import { createRng } from '../rng.ts'
import { compileHmm, logEmissionRow, rowMissing } from './hmmEmissions.ts'
import type { CovarianceType, HmmParams } from './hmmEmissions.ts'
import { createWorkspace, eStep, forwardLogLik, mStep } from './hmmEm.ts'
import type { FloorSpec } from './hmmEm.ts'
import { initialParams } from './hmmInit.ts'

export type { CovarianceType, HmmParams } from './hmmEmissions.ts'
export { emStep } from './hmmEm.ts'
export type { FloorSpec } from './hmmEm.ts'

/**
 * K-state hidden Markov model with Gaussian emissions over d features, fitted by Baum–Welch.
 *
 * Fitting choices, each for a reason:
 * - Variance floor is RELATIVE: every state's variance along feature j is ≥ varFloor·s_j², s_j the
 *   training standard deviation of feature j. 1-minute log returns have variances near 1e-8, so
 *   an absolute floor (hmmlearn's min_covar = 1e-3) would swamp them.
 * - The floor is applied as the exact constrained M-step (see floorFullCovariance), so the
 *   log-likelihood never decreases across iterations, floor active or not.
 * - Convergence: stop when an iteration improves the log-likelihood by less than tol per valid
 *   row, so one tol means the same thing for 5k and 500k rows (1e-6/row is 0.4 nats on 400k
 *   rows; hmmlearn's absolute 1e-2 would be 40× stricter there: ~15 more iterations on BTC, whose
 *   per-row gain falls about tenfold per 10 iterations near convergence).
 * - Multi-start: each of nInit k-means++ starts runs screenIter EM iterations, then only the best
 *   continues to convergence (see fit); screenIter ≥ maxIter runs every start to the end.
 * - Rows with a non-finite feature are marginalised (emission likelihood 1). Leading such rows
 *   (feature warm-up) are dropped, so `pi` is the distribution at the first valid row — the row
 *   where forwardFilter starts.
 * - States are relabelled in ascending variance of feature `orderFeature` (default 1, realised
 *   volatility, when d ≥ 2), ties by its mean: state 0 is the calmest, whatever the seed.
 */
export interface HmmFitOptions {
  K: number
  covariance?: CovarianceType
  maxIter?: number
  tol?: number
  nInit?: number
  seed?: number
  varFloor?: number
  orderFeature?: number
  /** EM iterations every restart gets before only the best continues (see fit) */
  screenIter?: number
  signal?: AbortSignal
}

export const HMM_DEFAULTS = { covariance: 'diag' as CovarianceType, maxIter: 100, tol: 1e-6, nInit: 3, seed: 0, varFloor: 1e-3, screenIter: 5 }

/** One restart's EM run, resumable: params after the last M-step and the log-likelihoods so far. */
interface EmRun { p: HmmParams; history: number[]; converged: boolean }

export function fit(obs: Float64Array, n: number, d: number, opts: HmmFitOptions): HmmParams {
  checkShape(obs, n, d)
  const K = opts.K
  const covariance = opts.covariance ?? HMM_DEFAULTS.covariance
  const maxIter = opts.maxIter ?? HMM_DEFAULTS.maxIter
  const tol = opts.tol ?? HMM_DEFAULTS.tol
  const nInit = opts.nInit ?? HMM_DEFAULTS.nInit
  const varFloor = opts.varFloor ?? HMM_DEFAULTS.varFloor
  const screenIter = opts.screenIter ?? HMM_DEFAULTS.screenIter
  const orderFeature = opts.orderFeature ?? (d >= 2 ? 1 : 0)
  if (!Number.isInteger(K) || K < 1) throw new FactoryError('E_PARAM', `HMM state count K must be a positive integer; got ${K}`, { path: 'K', value: K })
  if (!(orderFeature >= 0 && orderFeature < d)) {
    throw new FactoryError('E_PARAM', `orderFeature ${orderFeature} is not a feature index; valid 0..${d - 1}`, { path: 'orderFeature', value: orderFeature })
  }
  if (!Number.isInteger(screenIter) || screenIter < 1) {
    throw new FactoryError('E_PARAM', `screenIter must be a positive integer; got ${screenIter}`, { path: 'screenIter', value: screenIter, valid: ['>= 1'] })
  }

  let first = 0
  while (first < n && rowMissing(obs, first, d)) first++
  const m = n - first
  const x = obs.subarray(first * d)
  const scale = featureScale(x, m, d)
  const minRows = Math.max(10 * K, 2 * K * (d + 1))
  if (scale.count < minRows) {
    throw new FactoryError('E_SPLIT', `HMM fit needs at least ${minRows} valid rows for ${K} states and ${d} features; the training range has ${scale.count}`, {
      value: scale.count, valid: [`>= ${minRows}`],
    })
  }
  const floor: FloorSpec = { scale: scale.sd, varFloor }
  const rng = createRng(opts.seed ?? HMM_DEFAULTS.seed)
  const ws = createWorkspace(x, m, d, K)
  const minGain = tol * scale.count

  /** E-steps (each followed by an M-step unless it converged) until `until` log-likelihoods. */
  const advance = (run: EmRun, until: number): void => {
    while (!run.converged && run.history.length < until) {
      if (opts.signal?.aborted) throw cancelled()
      const ll = eStep(compileHmm(run.p), ws)
      const h = run.history
      run.converged = h.length > 0 && ll - h[h.length - 1] < minGain
      h.push(ll)
      if (!run.converged) run.p = mStep(run.p, ws, floor)
    }
  }

  // Multi-start as "short EM runs, then one long run" (Biernacki, Celeux & Govaert 2003, the
  // em-EM strategy): every one of the nInit k-means++ starts gets screenIter EM iterations, and
  // only the start with the highest log-likelihood after them is run on to convergence. EM is
  // deterministic from its start, so the kept model is exactly the full run of that start; what
  // changes from "run every start to the end" is only which start is kept when a start that is
  // behind after screenIter iterations would have overtaken the leader later. On the BTC year
  // all starts reach the same optimum (up to state order) in ~47 iterations, so the full runs
  // of the losers were ~2/3 of the fit time. screenIter ≥ maxIter restores full runs.
  const runs: EmRun[] = []
  for (let r = 0; r < nInit; r++) {
    const run: EmRun = { p: initialParams(x, m, d, K, covariance, scale.sd, varFloor, rng), history: [], converged: false }
    if (nInit > 1) advance(run, Math.min(screenIter, maxIter))
    runs.push(run)
  }
  let best = runs[0]
  for (const run of runs) if (run.history.at(-1)! > best.history.at(-1)!) best = run
  advance(best, maxIter)
  let ll = best.history.at(-1)!
  // Out of iterations: the last M-step's parameters have no log-likelihood yet.
  if (!best.converged) { ll = forwardLogLik(compileHmm(best.p), ws); best.history.push(ll) }
  return relabelByVolatility({ ...best.p, logLik: ll, converged: best.converged, logLikHistory: best.history }, orderFeature)
}

/**
 * Filtered state probabilities P(s_t | o_1..o_t) as an n×K row-major array. Causal by
 * construction: row t is computed from row t−1's posterior and row t's observation only.
 *
 * Rows before the first finite observation are NaN (warm-up: nothing to condition on). A later
 * row with a non-finite feature gets the one-step prediction P(s_t | o_1..o_{t−1}) — the prior
 * pushed through A with no emission update — and the recursion continues from it. If an
 * observation is impossible under every state (underflow on an extreme outlier) the filter
 * restarts from that row's emission likelihoods alone rather than emitting NaN.
 */
export function forwardFilter(params: HmmParams, obs: Float64Array, n: number, d: number): Float64Array {
  checkShape(obs, n, d)
  if (params.d !== d) throw new FactoryError('E_SHAPE', `HMM was fitted on ${params.d} features; the observations have ${d}`, { value: d, valid: [params.d] })
  const cp = compileHmm(params)
  const { K, A, pi } = cp
  const out = new Float64Array(n * K)
  const post = new Float64Array(K)
  const pred = new Float64Array(K)
  const le = new Float64Array(K)
  let started = false
  for (let t = 0; t < n; t++) {
    const b = t * K
    if (started) {
      for (let k = 0; k < K; k++) {
        let s = 0
        for (let i = 0; i < K; i++) s += post[i] * A[i * K + k]
        pred[k] = s
      }
    } else {
      pred.set(pi)
    }
    if (rowMissing(obs, t, d)) {
      if (!started) { for (let k = 0; k < K; k++) out[b + k] = NaN; continue }
      post.set(pred)
    } else {
      logEmissionRow(cp, obs, t, le)
      let mx = -Infinity
      for (let k = 0; k < K; k++) if (le[k] > mx) mx = le[k]
      let c = 0
      for (let k = 0; k < K; k++) { const e = Math.exp(le[k] - mx); le[k] = e; const a = pred[k] * e; post[k] = a; c += a }
      if (!(c > 0) || !Number.isFinite(c)) {
        c = 0
        for (let k = 0; k < K; k++) { post[k] = le[k]; c += le[k] }
      }
      for (let k = 0; k < K; k++) post[k] /= c
      started = true
    }
    for (let k = 0; k < K; k++) out[b + k] = post[k]
  }
  return out
}

/** Log-likelihood of a whole observation sequence under params (leading missing rows skipped). */
export function logLikelihood(params: HmmParams, obs: Float64Array, n: number, d: number): number {
  checkShape(obs, n, d)
  let first = 0
  while (first < n && rowMissing(obs, first, d)) first++
  const m = n - first
  return forwardLogLik(compileHmm(params), createWorkspace(obs.subarray(first * d), m, d, params.K))
}

/** Permute states into ascending variance (then mean) of feature f; the likelihood is unchanged. */
export function relabelByVolatility(p: HmmParams, f: number): HmmParams {
  const order = Array.from({ length: p.K }, (_, k) => k).sort((a, b) =>
    p.covs[a][f][f] - p.covs[b][f][f] || p.means[a][f] - p.means[b][f] || a - b)
  return {
    ...p,
    pi: order.map((k) => p.pi[k]),
    A: order.map((i) => order.map((j) => p.A[i][j])),
    means: order.map((k) => p.means[k].slice()),
    covs: order.map((k) => p.covs[k].map((r) => r.slice())),
  }
}

function featureScale(x: Float64Array, m: number, d: number): { sd: Float64Array; count: number } {
  const mean = new Float64Array(d)
  let count = 0
  for (let t = 0; t < m; t++) {
    if (rowMissing(x, t, d)) continue
    count++
    for (let j = 0; j < d; j++) mean[j] += x[t * d + j]
  }
  for (let j = 0; j < d; j++) mean[j] /= count
  const sd = new Float64Array(d)
  for (let t = 0; t < m; t++) {
    if (rowMissing(x, t, d)) continue
    for (let j = 0; j < d; j++) { const z = x[t * d + j] - mean[j]; sd[j] += z * z }
  }
  for (let j = 0; j < d; j++) {
    sd[j] = Math.sqrt(sd[j] / count)
    if (count > 0 && !(sd[j] > 0)) {
      throw new FactoryError('E_VALIDATION', `HMM feature ${j} is constant over the training rows (value ${mean[j]}); a Gaussian state cannot be fitted to it`, { column: j, value: mean[j] })
    }
  }
  return { sd, count }
}

function checkShape(obs: Float64Array, n: number, d: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || d < 1 || obs.length !== n * d) {
    throw new FactoryError('E_SHAPE', `observation matrix has ${obs.length} values; expected n·d = ${n}·${d} (row-major)`, { value: obs.length, valid: [n * d] })
  }
}

function cancelled(): FactoryError {
  return new FactoryError('E_CANCELLED', 'HMM fit cancelled')
}
