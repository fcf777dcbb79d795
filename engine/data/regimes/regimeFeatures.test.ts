import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { allocBars } from '../bars.ts'
import { createRng } from '../rng.ts'
import { regimeSwitchingBars } from './plantedRegimes.ts'
import { regimeObservations } from './regimeFeatures.ts'

test('log return and rolling realised vol by hand; NaN during warm-up', () => {
  const b = allocBars(6)
  b.close.set([100, 101, 99, 99, 102, 100])
  const { obs, n, d, names } = regimeObservations(b, 3)
  assert.deepEqual([n, d, names], [6, 2, ['log_return', 'realised_vol']])
  const r = [NaN, Math.log(101 / 100), Math.log(99 / 101), 0, Math.log(102 / 99), Math.log(100 / 102)]
  for (let t = 1; t < 6; t++) assert.ok(Math.abs(obs[t * 2] - r[t]) < 1e-15)
  for (const t of [0, 1, 2]) assert.ok(Number.isNaN(obs[t * 2 + 1]), `row ${t} warm-up`)
  assert.ok(Number.isNaN(obs[0]))
  for (let t = 3; t < 6; t++) {
    const rv = Math.sqrt((r[t] ** 2 + r[t - 1] ** 2 + r[t - 2] ** 2) / 3)
    assert.ok(Math.abs(obs[t * 2 + 1] - rv) < 1e-15, `row ${t}: ${obs[t * 2 + 1]} vs ${rv}`)
  }
})

test('features are causal: changing closes after t leaves rows ≤ t bit-identical', () => {
  const { bars } = regimeSwitchingBars(5000, [[0.99, 0.01], [0.01, 0.99]], [0.001, 0.004], createRng(3))
  const base = regimeObservations(bars, 30).obs
  const t = 2500
  const changed = { ...bars, close: bars.close.slice() }
  for (let i = t + 1; i < 5000; i++) changed.close[i] *= 1.5 + 0.001 * (i % 7)
  const after = regimeObservations(changed, 30).obs
  assert.deepEqual(after.subarray(0, (t + 1) * 2), base.subarray(0, (t + 1) * 2))
  assert.notDeepEqual(after.subarray((t + 1) * 2), base.subarray((t + 1) * 2))
})

test('rolling sum matches a direct recomputation over a long series', () => {
  const { bars } = regimeSwitchingBars(200_000, [[0.999, 0.001], [0.002, 0.998]], [0.0005, 0.01], createRng(8))
  const { obs } = regimeObservations(bars, 30)
  for (let t = 30; t < 200_000; t += 9973) {
    let s = 0
    for (let i = t - 29; i <= t; i++) s += obs[i * 2] ** 2
    assert.ok(Math.abs(obs[t * 2 + 1] - Math.sqrt(s / 30)) < 1e-12 * Math.sqrt(s / 30) + 1e-15, `row ${t}`)
  }
})

test('a non-positive close is an error naming the row; a bad window names regime.window', () => {
  const b = { ...allocBars(4), source: 'es.csv', line: Uint32Array.from([2, 3, 4, 5]) }
  b.close.set([100, 101, 0, 99])
  assert.throws(() => regimeObservations(b, 2), (e: unknown) =>
    e instanceof FactoryError && e.code === 'E_VALIDATION' && e.details.line === 4 && /es\.csv:4 row 2: close 0/.test(e.message))
  assert.throws(() => regimeObservations(allocBars(3), 1), (e: unknown) =>
    e instanceof FactoryError && e.code === 'E_PARAM' && e.details.path === 'regime.window')
})
