// Timing for the regimes stage (a measurement, not a test):
//   node --import tsx engine/data/regimes/regimesBench.ts
import { createRng } from '../rng.ts'
import { fit, forwardFilter } from './gaussianHmm.ts'
import { regimeSwitchingBars } from './plantedRegimes.ts'
import { regimeObservations } from './regimeFeatures.ts'
import { applyRegimes, expandingRegimes, fitRegimes } from './regimes.ts'

const A3 = [[0.999, 0.0008, 0.0002], [0.001, 0.998, 0.001], [0.0005, 0.0025, 0.997]]
const VOLS = [0.0005, 0.001, 0.0025]
const N = 525_600
const { bars } = regimeSwitchingBars(N, A3, VOLS, createRng(1))

function time<T>(label: string, rows: number, f: () => T, reps = 3): T {
  let best = Infinity
  let out!: T
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now()
    out = f()
    best = Math.min(best, performance.now() - t0)
  }
  console.log(`${label.padEnd(52)} ${best.toFixed(1).padStart(8)} ms  ${(rows / best / 1000).toFixed(2).padStart(6)} M rows/s`)
  return out
}

const feats = time('features (log return + 30-bar RV), 525,600 bars', N, () => regimeObservations(bars, 30))
for (const covariance of ['diag', 'full'] as const) {
  const p = time(`fit K=3 ${covariance}, 200k rows, n_init 3, max_iter 100`, 200_000,
    () => fit(feats.obs.subarray(0, 400_000), 200_000, 2, { K: 3, covariance, seed: 1 }), 1)
  console.log(`  -> iterations ${p.iterations} (kept restart), converged ${p.converged}`)
  time(`forwardFilter K=3 ${covariance}, 525,600 rows`, N, () => forwardFilter(p, feats.obs, N, 2))
}
const model = fitRegimes(bars, { start: 0, end: 200_000 }, { n_states: 3 })
time('applyRegimes (features + filter + score), 525,600', N, () => applyRegimes(model, bars))
time('expandingRegimes 100k bars, refit_every 10080, n_init 1', 100_000,
  () => expandingRegimes(regimeSwitchingBars(100_000, A3, VOLS, createRng(2)).bars, 20_000, { n_states: 3, n_init: 1, refit_every: 10_080 }), 1)
