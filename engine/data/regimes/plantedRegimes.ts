import { allocBars } from '../bars.ts'
import type { Bars } from '../bars.ts'
import type { Rng } from '../rng.ts'
import { cholesky } from './hmmLinalg.ts'
import type { HmmParams } from './hmmEmissions.ts'

/**
 * Series with known regimes, for tests and benchmarks: sampling from a given HMM, and a price path
 * whose per-bar volatility switches with a hidden Markov chain. All randomness from `rng`.
 */

function nextState(row: readonly number[], u: number): number {
  let acc = 0
  for (let j = 0; j < row.length; j++) { acc += row[j]; if (u < acc) return j }
  return row.length - 1
}

/** n draws from a Gaussian HMM; returns row-major observations and the true state path. */
export function sampleGaussianHmm(p: HmmParams, n: number, rng: Rng): { obs: Float64Array; states: Int32Array } {
  const { d } = p
  const L = p.covs.map((c) => cholesky(c.flat(), d)!)
  const obs = new Float64Array(n * d)
  const states = new Int32Array(n)
  let s = nextState(p.pi, rng.next())
  const z = new Float64Array(d)
  for (let t = 0; t < n; t++) {
    if (t > 0) s = nextState(p.A[s], rng.next())
    states[t] = s
    for (let j = 0; j < d; j++) z[j] = rng.normal()
    for (let i = 0; i < d; i++) {
      let v = p.means[s][i]
      for (let j = 0; j <= i; j++) v += L[s][i * d + j] * z[j]
      obs[t * d + i] = v
    }
  }
  return { obs, states }
}

/**
 * One-minute bars whose log return at bar t is N(0, vols[s_t]²), s_t a Markov chain with
 * transition matrix A started in state 0. High/low bracket open/close; volume is constant.
 */
export function regimeSwitchingBars(n: number, A: readonly (readonly number[])[], vols: readonly number[], rng: Rng, start = 100): { bars: Bars; states: Int32Array } {
  const b = allocBars(n)
  const states = new Int32Array(n)
  let s = 0
  let price = start
  for (let t = 0; t < n; t++) {
    if (t > 0) s = nextState(A[s], rng.next())
    states[t] = s
    const open = price
    price = price * Math.exp(vols[s] * rng.normal())
    b.ts[t] = 1_700_000_000_000 + t * 60_000
    b.open[t] = open
    b.close[t] = price
    b.high[t] = Math.max(open, price) * (1 + 0.25 * vols[s])
    b.low[t] = Math.min(open, price) * (1 - 0.25 * vols[s])
    b.volume[t] = 100
  }
  return { bars: b, states }
}
