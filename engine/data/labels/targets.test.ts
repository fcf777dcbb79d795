import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { allocBars } from '../bars.ts'
import { forwardReturn, quantileTargets, QUANTILE_LEVELS } from './targets.ts'
import { randomWalkBars } from './syntheticBars.ts'

test('forward return is ln(close[t+h]/close[t]) and NaN past the data', () => {
  const b = allocBars(5)
  b.close.set([100, 110, 99, 121, 120])
  const y = forwardReturn(b, 2)
  assert.equal(y[0], Math.log(99 / 100))
  assert.equal(y[1], Math.log(121 / 110))
  assert.equal(y[2], Math.log(120 / 99))
  assert.ok(Number.isNaN(y[3]) && Number.isNaN(y[4]))
  const y1 = forwardReturn(b, 1)
  assert.equal(y1[3], Math.log(120 / 121))
})

test('quantile targets share the forward return and carry the levels and label ends', () => {
  const b = randomWalkBars(200, 5)
  const q = quantileTargets(b, 15)
  assert.deepEqual(q.target, forwardReturn(b, 15))
  assert.deepEqual([...q.levels], [0.05, 0.5, 0.95])
  assert.equal(q.levels, QUANTILE_LEVELS)
  assert.deepEqual([...q.outputs], ['q05', 'q50', 'q95'])
  assert.equal(q.labelEnd[0], 15)
  assert.equal(q.labelEnd[184], 199)
  assert.equal(q.labelEnd[185], -1)
})

test('a target at t is unchanged by bars after t + h', () => {
  const h = 10
  const b = randomWalkBars(500, 8)
  const base = forwardReturn(b, h)
  const p = randomWalkBars(500, 8)
  for (let i = 300; i < 500; i++) p.close[i] *= 1.5
  const y = forwardReturn(p, h)
  for (let t = 0; t < 300 - h; t++) assert.equal(y[t], base[t], `row ${t}`)
  assert.notEqual(y[300 - h], base[300 - h])
})

test('bad horizon and non-positive closes are errors naming the value', () => {
  const b = randomWalkBars(20, 1)
  assert.throws(() => forwardReturn(b, 0), (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM' && /targets\.horizon must be an integer ≥ 1.*got 0/.test(e.message))
  assert.throws(() => forwardReturn(b, 2.5), (e: unknown) => e instanceof FactoryError && e.details.path === 'targets.horizon')
  b.close[4] = -1
  assert.throws(() => forwardReturn(b, 1), (e: unknown) => e instanceof FactoryError && e.code === 'E_VALIDATION' && /row 4 column 'close' is -1/.test(e.message))
})
