import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { DEFAULT_REGIME_TRANSITION, regimeBars, stationaryDistribution } from './regime.ts'

test('state path follows the given transition matrix; per-state return std matches sigmas', () => {
  const b = regimeBars({ bars: 1_000_000, seed: 21 })
  const k = b.stateSigmas.length
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  for (let t = 1; t < b.length; t++) counts[b.states[t - 1]][b.states[t]]++
  for (let i = 0; i < k; i++) {
    const row = counts[i].reduce((a, c) => a + c, 0)
    assert.ok(row > 50_000, `state ${i} visited ${row} times`)
    for (let j = 0; j < k; j++) {
      const p = counts[i][j] / row
      assert.ok(Math.abs(p - DEFAULT_REGIME_TRANSITION[i][j]) < 6e-4, `P[${i}][${j}] = ${p}`)
    }
  }
  const s2 = new Float64Array(k), m = new Float64Array(k)
  for (let t = 1; t < b.length; t++) {
    const r = Math.log(b.close[t] / b.close[t - 1])
    s2[b.states[t]] += r * r
    m[b.states[t]]++
  }
  for (let i = 0; i < k; i++) {
    const sd = Math.sqrt(s2[i] / m[i])
    assert.ok(Math.abs(sd / b.stateSigmas[i] - 1) < 0.01, `state ${i}: sd ${sd} vs ${b.stateSigmas[i]}`)
  }
})

test('bar ranges and volume rise with the volatility state', () => {
  const b = regimeBars({ bars: 300_000, seed: 22 })
  const k = b.stateSigmas.length
  const range = new Float64Array(k), vol = new Float64Array(k), m = new Float64Array(k)
  for (let t = 0; t < b.length; t++) {
    const s = b.states[t]
    range[s] += Math.log(b.high[t] / b.low[t])
    vol[s] += b.volume[t]
    m[s]++
  }
  for (let i = 1; i < k; i++) {
    assert.ok(range[i] / m[i] > range[i - 1] / m[i - 1], `range state ${i}`)
    assert.ok(vol[i] / m[i] > vol[i - 1] / m[i - 1], `volume state ${i}`)
  }
})

test('two-state chain: stationary distribution is (q, p)/(p + q); initialState fixes bar 0', () => {
  const p = 0.01, q = 0.03
  const P = [[1 - p, p], [q, 1 - q]]
  const pi = stationaryDistribution(P)
  assert.ok(Math.abs(pi[0] - q / (p + q)) < 1e-12 && Math.abs(pi[1] - p / (p + q)) < 1e-12, String(pi))
  const b = regimeBars({ bars: 400_000, seed: 5, sigmas: [0.0004, 0.002], transition: P, initialState: 1 })
  assert.equal(b.states[0], 1)
  let inHigh = 0
  for (let t = 0; t < b.length; t++) inHigh += b.states[t]
  assert.ok(Math.abs(inHigh / b.length - p / (p + q)) < 0.02, `occupancy ${inHigh / b.length}`)
  assert.deepEqual(b.stationary, pi)
})

test('bad chains are refused with the offending row named', () => {
  const bad = (o: Parameters<typeof regimeBars>[0], path: string, code = 'E_PARAM'): void => {
    assert.throws(() => regimeBars(o), (e: unknown) => e instanceof FactoryError && e.code === code && e.details.path === path)
  }
  bad({ bars: 10, seed: 1, sigmas: [0.001] }, 'sigmas')
  bad({ bars: 10, seed: 1, sigmas: [0.001, -1] }, 'sigmas[1]')
  bad({ bars: 10, seed: 1, sigmas: [0.001, 0.002], transition: [[0.5, 0.5], [0.2, 0.7]] }, 'transition[1]')
  bad({ bars: 10, seed: 1, sigmas: [0.001, 0.002], transition: [[0.5, 0.5]] }, 'transition', 'E_SHAPE')
  bad({ bars: 10, seed: 1, sigmas: [0.001, 0.002], transition: [[1.5, -0.5], [0, 1]] }, 'transition[0][0]')
  bad({ bars: 10, seed: 1, sigmas: [0.001, 0.002], initialState: 2 }, 'initialState')
})
