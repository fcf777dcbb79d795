import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { createRng } from '../rng.ts'
import { regimeSwitchingBars } from './plantedRegimes.ts'
import { validateRegimeConfig } from './regimeConfig.ts'
import { applyRegimes, expandingRegimes, fitRegimes, regimeStage } from './regimes.ts'

const A2 = [[0.998, 0.002], [0.004, 0.996]]
const VOLS = [0.001, 0.003]
const { bars, states } = regimeSwitchingBars(60_000, A2, VOLS, createRng(1))

/** Same bars with every close from row `from` on scaled by a drifting factor. */
function perturbAfter(b: Bars, from: number): Bars {
  const close = b.close.slice()
  for (let i = from; i < b.length; i++) close[i] *= 1.2 + 0.01 * Math.sin(i)
  return { ...b, close }
}

test('recovers planted volatility regimes from bars; filtered accuracy far above chance out of sample', () => {
  const model = fitRegimes(bars, { start: 0, end: 40_000 }, { n_states: 2, seed: 5 })
  const p = model.params
  // Per-state return sd: each regime holds ~13k–27k training bars, so the sample sd has ~0.5%
  // relative error; the rest is rows misassigned around switches (the 30-bar vol window lags
  // them). 10% is well clear of both and far from the other state's value (3×).
  for (let k = 0; k < 2; k++) {
    const sd = Math.sqrt(p.covs[k][0][0])
    assert.ok(Math.abs(sd / VOLS[k] - 1) < 0.1, `state ${k} return sd ${sd} vs ${VOLS[k]}`)
  }
  // Expected sojourns are 500 and 250 bars, ~100 switches in training: a switch-rate estimate
  // has ~10% relative error, i.e. ±0.0004 on the off-diagonals; 0.0015 covers it with margin.
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.ok(Math.abs(p.A[i][j] - A2[i][j]) < 0.0015, `A[${i}][${j}] = ${p.A[i][j]}`)
  const out = applyRegimes(model, bars)
  assert.equal(out.states, 2)
  let hit = 0, cnt = 0
  for (let t = 40_000; t < 60_000; t++) { cnt++; if ((out.probs[t * 2 + 1] > 0.5 ? 1 : 0) === states[t]) hit++ }
  assert.ok(hit / cnt > 0.9, `out-of-sample accuracy ${hit / cnt} (chance 0.5)`)
  // regime_score = P(state 1) for K = 2, NaN through the 30-bar warm-up
  for (let t = 0; t < 30; t++) assert.ok(Number.isNaN(out.regimeScore[t]))
  for (let t = 30; t < 60_000; t += 1013) assert.ok(Math.abs(out.regimeScore[t] - out.probs[t * 2 + 1]) < 1e-15)
})

test('regime_score is the probability-weighted state index over K − 1, in [0, 1]', () => {
  const m = fitRegimes(bars, { start: 0, end: 20_000 }, { n_states: 3, n_init: 1, seed: 2 })
  const out = applyRegimes(m, bars)
  for (let t = 30; t < 60_000; t += 997) {
    const want = (out.probs[t * 3 + 1] + 2 * out.probs[t * 3 + 2]) / 2
    assert.ok(Math.abs(out.regimeScore[t] - want) < 1e-15 && out.regimeScore[t] >= 0 && out.regimeScore[t] <= 1)
  }
  assert.ok(m.params.covs[0][1][1] < m.params.covs[1][1][1] && m.params.covs[1][1][1] < m.params.covs[2][1][1], 'state 0 calmest')
})

test('fit uses only [start, end): params unchanged when rows ≥ end change; probs ≤ t unchanged by rows > t', () => {
  const cfg = { n_states: 2, n_init: 2, seed: 4 }
  const a = fitRegimes(bars, { start: 5000, end: 30_000 }, cfg)
  const b = fitRegimes(perturbAfter(bars, 30_000), { start: 5000, end: 30_000 }, cfg)
  assert.deepEqual(b, a)
  const c = fitRegimes(perturbAfter(bars, 29_000), { start: 5000, end: 30_000 }, cfg)
  assert.notDeepEqual(c.params, a.params, 'a change inside the range does move the fit')
  // rows before `start` only reach the fit through the rolling window's lookback
  const t = 45_000
  const pa = applyRegimes(a, bars).probs
  const pb = applyRegimes(a, perturbAfter(bars, t + 1)).probs
  assert.deepEqual(pb.subarray(0, (t + 1) * 2), pa.subarray(0, (t + 1) * 2))
  assert.notDeepEqual(pb.subarray((t + 1) * 2), pa.subarray((t + 1) * 2))
})

test('model is plain JSON and round-trips to identical probabilities', () => {
  const m = fitRegimes(bars, { start: 0, end: 20_000 }, { n_states: 2, n_init: 1 })
  const back = JSON.parse(JSON.stringify(m))
  assert.deepEqual(back, m)
  assert.deepEqual(applyRegimes(back, bars).probs, applyRegimes(m, bars).probs)
})

test('expanding mode: refits only on rows < r; rows < r never move when data ≥ r changes', () => {
  const sub = regimeSwitchingBars(9000, A2, VOLS, createRng(6)).bars
  const cfg = { n_states: 2, n_init: 1, seed: 3, refit_every: 2000, expanding: true }
  const fractions: number[] = []
  const out = expandingRegimes(sub, 3000, cfg, { onProgress: (f) => fractions.push(f) })
  assert.deepEqual(out.refits.map((r) => r.at), [3000, 5000, 7000])
  assert.deepEqual(fractions, [1 / 3, 2 / 3, 1])
  for (let t = 0; t < 3000; t++) assert.ok(Number.isNaN(out.probs[t * 2]) && Number.isNaN(out.regimeScore[t]))
  // each block equals the static stage with the model fitted on rows < r
  for (const [i, r] of [3000, 5000, 7000].entries()) {
    const m = fitRegimes(sub, { start: 0, end: r }, cfg)
    assert.deepEqual(out.refits[i].params, m.params)
    const next = [5000, 7000, 9000][i]
    assert.deepEqual(out.probs.subarray(r * 2, next * 2), applyRegimes(m, sub).probs.subarray(r * 2, next * 2))
  }
  for (const r of [5000, 7000]) {
    const moved = expandingRegimes(perturbAfter(sub, r), 3000, cfg)
    assert.deepEqual(moved.probs.subarray(0, r * 2), out.probs.subarray(0, r * 2), `rows < ${r}`)
    assert.notDeepEqual(moved.probs.subarray(r * 2), out.probs.subarray(r * 2))
  }
  assert.deepEqual(regimeStage(sub, 3000, cfg).probs, out.probs, 'regimeStage dispatches on expanding')
})

test('expanding mode is cancellable through an AbortSignal', () => {
  const sub = regimeSwitchingBars(6000, A2, VOLS, createRng(7)).bars
  const ctl = new AbortController()
  let calls = 0
  assert.throws(
    () => expandingRegimes(sub, 2000, { n_states: 2, n_init: 1, refit_every: 1000 }, { signal: ctl.signal, onProgress: () => { calls++; ctl.abort() } }),
    (e: unknown) => e instanceof FactoryError && e.code === 'E_CANCELLED' && /refit 2 of 4/.test(e.message))
  assert.equal(calls, 1)
})

test('deterministic under seed', () => {
  const cfg = { n_states: 3, n_init: 2, seed: 17 }
  assert.deepEqual(fitRegimes(bars, { start: 0, end: 15_000 }, cfg), fitRegimes(bars, { start: 0, end: 15_000 }, cfg))
})

test('invalid config → FactoryError E_PARAM naming regime.<field>, the bad value and the valid range', () => {
  const cases: [Record<string, unknown>, string, RegExp, unknown[]][] = [
    [{ n_states: 7 }, 'regime.n_states', /integer in 2\.\.6; got 7/, [2, 3, 4, 5, 6]],
    [{ n_states: 2.5 }, 'regime.n_states', /got 2\.5/, [2, 3, 4, 5, 6]],
    [{ covariance: 'spherical' }, 'regime.covariance', /one of diag, full; got "spherical"/, ['diag', 'full']],
    [{ window: 1 }, 'regime.window', /2\.\.100000; got 1/, ['2..100000']],
    [{ tol: 0 }, 'regime.tol', /0 < value < 1; got 0/, ['(0, 1)']],
    [{ max_iter: 0 }, 'regime.max_iter', /1\.\.10000/, ['1..10000']],
    [{ n_init: 'three' }, 'regime.n_init', /got "three"/, ['1..50']],
    [{ expanding: 'yes' }, 'regime.expanding', /true or false/, ['true', 'false']],
    [{ refit_every: 10 }, 'regime.refit_every', /100\.\.100000000; got 10/, ['100..100000000']],
    [{ n_state: 3 }, 'regime.n_state', /unknown regime option 'n_state'; known: n_states, covariance/, []],
  ]
  for (const [cfg, path, msg, valid] of cases) {
    assert.throws(() => validateRegimeConfig(cfg), (e: unknown) => {
      assert.ok(e instanceof FactoryError && e.code === 'E_PARAM', String(e))
      assert.equal(e.details.path, path)
      assert.match(e.message, msg)
      assert.ok(e.message.startsWith(path), e.message)
      if (valid.length) assert.deepEqual(e.details.valid, valid)
      return true
    })
  }
  assert.throws(() => fitRegimes(bars, { start: 0, end: 1000 }, { n_states: 1 }), (e: unknown) => e instanceof FactoryError && e.details.path === 'regime.n_states')
  assert.throws(() => fitRegimes(bars, { start: 500, end: 100 }, {}), (e: unknown) => e instanceof FactoryError && e.code === 'E_SPLIT' && /\[500, 100\)/.test(e.message))
  assert.deepEqual(validateRegimeConfig(undefined).n_states, 3)
  assert.equal(validateRegimeConfig({ covariance: 'full' }).covariance, 'full')
})

test('max_fit_rows: fits on the most recent rows of the training range only, Markov chain intact', () => {
  const cfg = { n_states: 2, n_init: 2, seed: 4, max_fit_rows: 5000 }
  const capped = fitRegimes(bars, { start: 0, end: 30_000 }, cfg)
  assert.deepEqual(capped.trainRange, { start: 0, end: 30_000 })
  assert.deepEqual(capped.fitRange, { start: 25_000, end: 30_000 })
  // the same fit as asking for exactly those rows
  const direct = fitRegimes(bars, { start: 25_000, end: 30_000 }, { ...cfg, max_fit_rows: 1_000_000 })
  assert.deepEqual(capped.params, direct.params)
  // bars older than the fit rows' 30-bar lookback cannot move it beyond rounding (the rolling
  // volatility's running sum carries older returns' rounding forward); bars inside the rows do
  const older = { ...bars, close: bars.close.slice() }
  for (let i = 0; i < 24_900; i++) older.close[i] *= 1.3
  const o = fitRegimes(older, { start: 0, end: 30_000 }, cfg).params
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b))
  for (let k = 0; k < 2; k++) {
    for (let j = 0; j < 2; j++) assert.ok(near(o.A[k][j], capped.params.A[k][j]) && near(o.means[k][j], capped.params.means[k][j]), `state ${k}, ${j}`)
    for (let j = 0; j < 2; j++) assert.ok(near(o.covs[k][j][j], capped.params.covs[k][j][j]), `var ${k}, ${j}`)
  }
  assert.equal(o.iterations, capped.params.iterations)
  assert.notDeepEqual(fitRegimes(perturbAfter(bars, 27_000), { start: 0, end: 30_000 }, cfg).params, capped.params)
  // a range shorter than the cap is fitted whole
  assert.deepEqual(fitRegimes(bars, { start: 1000, end: 4000 }, cfg).fitRange, { start: 1000, end: 4000 })
})

test('max_fit_rows in expanding mode: each refit uses the last max_fit_rows rows before r', () => {
  const sub = regimeSwitchingBars(9000, A2, VOLS, createRng(6)).bars
  const cfg = { n_states: 2, n_init: 1, seed: 3, refit_every: 2000, expanding: true, max_fit_rows: 2500 }
  const out = expandingRegimes(sub, 3000, cfg)
  for (const [i, r] of [3000, 5000, 7000].entries()) {
    const m = fitRegimes(sub, { start: 0, end: r }, cfg)
    assert.deepEqual(m.fitRange, { start: r - 2500, end: r })
    assert.deepEqual(out.refits[i].params, m.params)
  }
})

test('n_init_iter and max_fit_rows are validated config fields with defaults', () => {
  const d = validateRegimeConfig({})
  assert.equal(d.n_init_iter, 5)
  assert.equal(d.max_fit_rows, 200_000)
  assert.throws(() => validateRegimeConfig({ max_fit_rows: 10 }), (e: unknown) => e instanceof FactoryError && e.details.path === 'regime.max_fit_rows' && /1000\.\.1000000000; got 10/.test(e.message))
  assert.throws(() => validateRegimeConfig({ n_init_iter: 0 }), (e: unknown) => e instanceof FactoryError && e.details.path === 'regime.n_init_iter')
  // n_init_iter reaches the fit: with one screening step the kept start may differ, never crash
  const a = fitRegimes(bars, { start: 0, end: 15_000 }, { n_states: 3, n_init: 3, seed: 17, n_init_iter: 1 })
  const b = fitRegimes(bars, { start: 0, end: 15_000 }, { n_states: 3, n_init: 3, seed: 17, n_init_iter: 100 })
  assert.ok(b.params.logLik >= a.params.logLik - 1e-9 * Math.abs(b.params.logLik))
})
