import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../rng.ts'
import { FactoryError } from '../../contracts/errors.ts'
import { emStep, fit, forwardFilter, logLikelihood } from './gaussianHmm.ts'
import type { HmmParams } from './gaussianHmm.ts'
import { sampleGaussianHmm } from './plantedRegimes.ts'

const TRUTH: HmmParams = {
  K: 3, d: 2, covariance: 'full', pi: [1, 0, 0],
  A: [[0.98, 0.015, 0.005], [0.02, 0.97, 0.01], [0.01, 0.03, 0.96]],
  means: [[0, 1], [0, 2], [0, 4]],
  covs: [[[1, 0], [0, 0.1]], [[4, 0.2], [0.2, 0.3]], [[16, 0], [0, 1]]],
  logLik: NaN, iterations: 0, converged: false, logLikHistory: [],
}
const N = 20_000
const planted = sampleGaussianHmm(TRUTH, N, createRng(1))

function argmaxAccuracy(probs: Float64Array, states: Int32Array, K: number): number {
  let hit = 0
  for (let t = 0; t < states.length; t++) {
    let b = 0
    for (let k = 1; k < K; k++) if (probs[t * K + k] > probs[t * K + b]) b = k
    if (b === states[t]) hit++
  }
  return hit / states.length
}

for (const covariance of ['diag', 'full'] as const) {
  test(`recovers a planted 3-state HMM (${covariance} covariance)`, () => {
    const p = fit(planted.obs, N, 2, { K: 3, covariance, seed: 3 })
    // Tolerances from sampling error: each state is visited ~5–8k times, so a transition
    // probability near 0.02 has standard error ≈ sqrt(0.02·0.98/5000) ≈ 0.002 and a variance
    // has relative standard error ≈ sqrt(2/5000) ≈ 2%. 0.01 absolute and 10% relative are ~5 SE,
    // loose enough for state-assignment noise, tight enough to catch a wrong update.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) assert.ok(Math.abs(p.A[i][j] - TRUTH.A[i][j]) < 0.01, `A[${i}][${j}] = ${p.A[i][j]} vs ${TRUTH.A[i][j]}`)
      for (let f = 0; f < 2; f++) {
        const rel = p.covs[i][f][f] / TRUTH.covs[i][f][f] - 1
        assert.ok(Math.abs(rel) < 0.1, `var state ${i} feature ${f}: ${p.covs[i][f][f]} vs ${TRUTH.covs[i][f][f]}`)
      }
      if (covariance === 'diag') assert.equal(p.covs[i][0][1], 0)
    }
    const acc = argmaxAccuracy(forwardFilter(p, planted.obs, N, 2), planted.states, 3)
    assert.ok(acc > 0.9, `filtered accuracy ${acc} (chance 1/3)`)
    assert.ok(p.converged && p.iterations > 0)
    assert.ok(Math.abs(logLikelihood(p, planted.obs, N, 2) - p.logLik) < 1e-6 * Math.abs(p.logLik), 'reported logLik is that of the returned params')
  })
}

function assertMonotone(h: number[], what: string): void {
  assert.ok(h.length >= 5, `${what}: only ${h.length} iterations recorded`)
  for (let i = 1; i < h.length; i++) {
    // Allow only rounding noise: 1e-10 relative on |LL| ≈ 5e4 is 5e-6, far below one EM gain.
    assert.ok(h[i] >= h[i - 1] - 1e-10 * Math.abs(h[i - 1]), `${what}: LL fell at iteration ${i}: ${h[i - 1]} → ${h[i]}`)
  }
}

for (const covariance of ['diag', 'full'] as const) {
  for (const varFloor of [1e-3, 0.5]) {
    test(`EM log-likelihood never decreases (${covariance}, var floor ${varFloor}${varFloor > 0.1 ? ', floor active' : ''})`, () => {
      const p = fit(planted.obs.subarray(0, 8000), 4000, 2, { K: 3, covariance, seed: 11, nInit: 1, tol: 1e-13, maxIter: 40, varFloor })
      assertMonotone(p.logLikHistory, `${covariance}/${varFloor}`)
      assert.ok(p.logLikHistory.at(-1)! > p.logLikHistory[0])
      if (varFloor > 0.1) {
        // state 0's feature-1 variance (0.1) is far below 0.5·sd², so the floor binds
        let sd2 = 0, mu = 0
        for (let t = 0; t < 4000; t++) mu += planted.obs[t * 2 + 1] / 4000
        for (let t = 0; t < 4000; t++) sd2 += (planted.obs[t * 2 + 1] - mu) ** 2 / 4000
        assert.ok(p.covs[0][1][1] >= 0.5 * sd2 * (1 - 1e-9), `floor holds: ${p.covs[0][1][1]} vs ${0.5 * sd2}`)
      }
    })
  }
}

test('emStep from a poor start raises the likelihood at every step', () => {
  let p: HmmParams = {
    ...TRUTH, covariance: 'diag', pi: [1 / 3, 1 / 3, 1 / 3],
    A: [[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.25, 0.25, 0.5]],
    means: [[1, 0], [0, 3], [-1, 5]], covs: [[[3, 0], [0, 3]], [[3, 0], [0, 3]], [[3, 0], [0, 3]]],
  }
  const obs = planted.obs.subarray(0, 6000)
  const floor = { scale: [1, 1], varFloor: 1e-6 }
  const lls: number[] = []
  for (let i = 0; i < 15; i++) { const r = emStep(p, obs, 3000, 2, floor); lls.push(r.logLik); p = r.params }
  assertMonotone(lls, 'emStep')
})

test('forwardFilter is causal: changing rows after t leaves rows ≤ t bit-identical', () => {
  const p = fit(planted.obs, N, 2, { K: 3, seed: 3, nInit: 1 })
  const base = forwardFilter(p, planted.obs, N, 2)
  const t = 12_345
  const changed = planted.obs.slice()
  for (let i = (t + 1) * 2; i < changed.length; i++) changed[i] = changed[i] * -3 + 1
  const after = forwardFilter(p, changed, N, 2)
  assert.deepEqual(after.subarray(0, (t + 1) * 3), base.subarray(0, (t + 1) * 3))
  assert.notDeepEqual(after.subarray((t + 1) * 3), base.subarray((t + 1) * 3))
  for (let r = 0; r < N; r += 997) {
    const s = base[r * 3] + base[r * 3 + 1] + base[r * 3 + 2]
    assert.ok(Math.abs(s - 1) < 1e-12)
  }
})

test('forwardFilter: warm-up rows are NaN; a later gap gets the prior pushed through A', () => {
  const p = fit(planted.obs, N, 2, { K: 3, seed: 3, nInit: 1 })
  const obs = planted.obs.slice(0, 200)
  obs[0] = NaN; obs[3] = NaN   // rows 0 and 1 warm-up
  obs[50 * 2 + 1] = NaN        // row 50 a gap
  const f = forwardFilter(p, obs, 100, 2)
  for (let k = 0; k < 3; k++) { assert.ok(Number.isNaN(f[k])); assert.ok(Number.isNaN(f[3 + k])) }
  // row 2 starts from pi
  const row2 = forwardFilter(p, obs.subarray(4, 6), 1, 2)
  assert.deepEqual(f.subarray(6, 9), row2)
  for (let k = 0; k < 3; k++) {
    let pred = 0
    for (let i = 0; i < 3; i++) pred += f[49 * 3 + i] * p.A[i][k]
    assert.ok(Math.abs(f[50 * 3 + k] - pred) < 1e-15)
  }
  assert.ok(!Number.isNaN(f[51 * 3]))
})

test('deterministic under seed; states ordered by volatility-feature variance whatever the seed', () => {
  const obs = planted.obs.subarray(0, 16_000)
  const a = fit(obs, 8000, 2, { K: 3, seed: 5 })
  const b = fit(obs, 8000, 2, { K: 3, seed: 5 })
  assert.deepEqual(a, b)
  for (const seed of [1, 2, 9]) {
    const c = fit(obs, 8000, 2, { K: 3, seed })
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(c.covs[k][1][1] - a.covs[k][1][1]) < 1e-3 * a.covs[k][1][1] + 1e-6, `seed ${seed} state ${k}`)
    }
  }
  assert.ok(a.covs[0][1][1] < a.covs[1][1][1] && a.covs[1][1][1] < a.covs[2][1][1])
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a, 'params are plain JSON')
})

test('bad shapes and impossible fits are FactoryErrors', () => {
  assert.throws(() => fit(new Float64Array(5), 3, 2, { K: 2 }), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
  assert.throws(() => fit(planted.obs.subarray(0, 20), 10, 2, { K: 3 }), (e: unknown) => e instanceof FactoryError && e.code === 'E_SPLIT' && /at least/.test(e.message))
  const flat = new Float64Array(400).fill(1)
  assert.throws(() => fit(flat, 200, 2, { K: 2 }), (e: unknown) => e instanceof FactoryError && e.code === 'E_VALIDATION' && /constant/.test(e.message))
  const ctl = new AbortController(); ctl.abort()
  assert.throws(() => fit(planted.obs, N, 2, { K: 3, signal: ctl.signal }), (e: unknown) => e instanceof FactoryError && e.code === 'E_CANCELLED')
})

test('multi-start screening: every start gets screenIter EM steps, the best runs on; full runs never do worse', () => {
  const obs = planted.obs.subarray(0, 16_000)
  const base = { K: 3, seed: 21, nInit: 4, tol: 1e-9 }
  const screened = fit(obs, 8000, 2, base)
  // screenIter ≥ maxIter: every start runs to the end and the best end point is kept (the old
  // behaviour). The screened fit is the full run of one of those starts, so it cannot be better.
  const full = fit(obs, 8000, 2, { ...base, screenIter: 100 })
  assert.ok(full.logLik >= screened.logLik - 1e-9 * Math.abs(full.logLik), `${full.logLik} vs ${screened.logLik}`)
  // the kept restart is one uninterrupted EM run: monotone, one LL per M-step plus the final one
  assertMonotone(screened.logLikHistory, 'screened')
  assert.equal(screened.logLikHistory.length, screened.iterations + 1)
  assert.ok(screened.iterations > 5, 'continued past the screening steps')
  // one start: nothing to screen, so screenIter cannot matter
  assert.deepEqual(fit(obs, 8000, 2, { ...base, nInit: 1, screenIter: 1 }), fit(obs, 8000, 2, { ...base, nInit: 1, screenIter: 50 }))
  for (const bad of [0, 2.5]) {
    assert.throws(() => fit(obs, 8000, 2, { ...base, screenIter: bad }), (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM' && e.details.path === 'screenIter')
  }
})
