import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { featureMatrix } from './featureMatrix.ts'

test('row-major layout, names, bar index; valid iff every feature is finite in Float32', () => {
  const a = Float64Array.from([NaN, 1, 2, 3, 4])
  const b = Float64Array.from([10, 11, Infinity, 13, 1e39]) // 1e39 overflows Float32
  const c = Float32Array.from([0.5, 0.5, 0.5, NaN, 0.5])
  const m = featureMatrix([{ name: 'a', values: a }, { name: 'b', values: b }, { name: 'c', values: c }])
  assert.equal(m.n, 5)
  assert.equal(m.f, 3)
  assert.deepEqual(m.names, ['a', 'b', 'c'])
  assert.deepEqual(Array.from(m.data.subarray(3, 6)), [1, 11, 0.5])
  assert.equal(m.data[1 * 3 + 1], 11)
  assert.deepEqual(Array.from(m.valid), [0, 1, 0, 0, 0])
  assert.deepEqual(Array.from(m.index), [0, 1, 2, 3, 4])
})

test('start/end select a bar range; index keeps the bar numbers', () => {
  const v = Float64Array.from({ length: 10 }, (_, i) => i)
  const m = featureMatrix([{ name: 'x', values: v }, { name: 'y', values: v.map((x) => -x) }], { start: 3, end: 7 })
  assert.equal(m.n, 4)
  assert.deepEqual(Array.from(m.index), [3, 4, 5, 6])
  assert.deepEqual(Array.from(m.data), [3, -3, 4, -4, 5, -5, 6, -6])
})

test('row-local: changing bars after t leaves rows <= t identical', () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i))
  const y = Float64Array.from(x)
  for (let i = 61; i < 100; i++) y[i] = NaN
  const a = featureMatrix([{ name: 'x', values: x }]), b = featureMatrix([{ name: 'x', values: y }])
  assert.deepEqual(a.data.subarray(0, 61), b.data.subarray(0, 61))
  assert.deepEqual(a.valid.subarray(0, 61), b.valid.subarray(0, 61))
})

test('mismatched lengths, duplicate names, bad ranges are refused by name', () => {
  const is = (code: string, column?: string) => (e: unknown) => e instanceof FactoryError && e.code === code && (column === undefined || e.details.column === column)
  const v = new Float64Array(5)
  assert.throws(() => featureMatrix([{ name: 'a', values: v }, { name: 'b', values: new Float64Array(4) }]), is('E_SHAPE', 'b'))
  assert.throws(() => featureMatrix([{ name: 'a', values: v }, { name: 'a', values: v }]), is('E_FEATURE'))
  assert.throws(() => featureMatrix([]), is('E_SHAPE'))
  assert.throws(() => featureMatrix([{ name: 'a', values: v }], { start: 4, end: 6 }), is('E_PARAM'))
})
