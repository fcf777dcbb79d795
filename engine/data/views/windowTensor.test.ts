import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { createRng } from '../rng.ts'
import { featureMatrix } from './featureMatrix.ts'
import { windowTensor } from './windowTensor.ts'

/** columns where feature j of bar i is i + j/10, so every cell names its bar */
function ramp(n: number, f: number, nanRows: number[] = []) {
  return featureMatrix(
    Array.from({ length: f }, (_, j) => ({
      name: `f${j}`,
      values: Float64Array.from({ length: n }, (_, i) => (nanRows.includes(i) ? NaN : i + j / 10)),
    })),
  )
}

test('window(i) is rows i−T+1..i, zero-copy over the matrix buffer; out copies', () => {
  const m = ramp(20, 3)
  const w = windowTensor(m, 4)
  assert.deepEqual(w.shape, [20, 4, 3])
  const v = w.window(10)
  assert.equal(v.buffer, m.data.buffer, 'a view, not a copy')
  assert.equal(v.length, 12)
  assert.deepEqual(Array.from(v.filter((_, k) => k % 3 === 0)), [7, 8, 9, 10])
  assert.ok(Math.abs(v[11] - 10.2) < 1e-5)
  const out = new Float32Array(12)
  assert.equal(w.window(3, out), out)
  assert.deepEqual(Array.from(out.filter((_, k) => k % 3 === 0)), [0, 1, 2, 3])
  assert.equal(w.firstBar, 3)
  assert.throws(() => w.window(2), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE' && /bars 3\.\.19/.test(e.message))
  assert.throws(() => w.window(20), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
})

test('valid(i) iff the window is complete and none of its T rows is invalid; validBars lists them', () => {
  const m = ramp(20, 2, [0, 1, 9])
  const w = windowTensor(m, 3)
  const expect: number[] = []
  for (let i = 0; i < 20; i++) {
    const want = i >= 2 && ![0, 1, 9].some((r) => r > i - 3 && r <= i)
    assert.equal(w.valid(i), want, `bar ${i}`)
    if (want) expect.push(i)
  }
  assert.deepEqual(Array.from(w.validBars()), expect)
  assert.deepEqual(expect.slice(0, 3), [4, 5, 6])
  assert.equal(w.valid(-1), false)
  assert.equal(w.valid(2.5), false)
})

test('windows address bars, also for a matrix that starts after bar 0', () => {
  const v = Float64Array.from({ length: 50 }, (_, i) => i)
  const m = featureMatrix([{ name: 'x', values: v }], { start: 10, end: 50 })
  const w = windowTensor(m, 5)
  assert.equal(w.firstBar, 14)
  assert.deepEqual(Array.from(w.window(14)), [10, 11, 12, 13, 14])
  assert.deepEqual(Array.from(w.window(49)), [45, 46, 47, 48, 49])
})

test('batch fills (B, T, f) in order and refuses incomplete or invalid windows', () => {
  const m = ramp(30, 2, [20])
  const w = windowTensor(m, 4)
  const bars = [5, 3, 29]
  const out = new Float32Array(bars.length * 4 * 2)
  assert.equal(w.batch(bars, out), out)
  bars.forEach((bar, b) => assert.deepEqual(out.subarray(b * 8, (b + 1) * 8), w.window(bar)))
  assert.deepEqual(w.batch(bars), out)
  assert.throws(() => w.batch([21]), (e: unknown) => e instanceof FactoryError && e.code === 'E_NAN_INPUT' && e.details.value === 21)
  assert.throws(() => w.batch([1]), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
  assert.throws(() => w.batch([5], new Float32Array(7)), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
  assert.throws(() => windowTensor(m, 0), (e: unknown) => e instanceof FactoryError && e.details.path === 'T')
})

test('prefix invariance: rows after bar t change, window(t) and valid(t) do not', () => {
  const n = 400, f = 3, T = 16
  const rng = createRng(8)
  const base = Array.from({ length: f }, () => Float64Array.from({ length: n }, () => rng.normal()))
  const a = windowTensor(featureMatrix(base.map((values, j) => ({ name: `c${j}`, values }))), T)
  for (const t of [T - 1, 100, 250, n - 2]) {
    const changed = base.map((col) => col.map((x, i) => (i > t ? (i % 2 ? NaN : x * 100 + 7) : x)))
    const b = windowTensor(featureMatrix(changed.map((values, j) => ({ name: `c${j}`, values }))), T)
    for (let i = T - 1; i <= t; i++) {
      assert.deepEqual(b.window(i), a.window(i), `bar ${i} with cut ${t}`)
      assert.equal(b.valid(i), a.valid(i))
    }
    assert.notDeepEqual(b.window(t + 1), a.window(t + 1), 'the change is visible right after the cut')
  }
})

test('memory: a 525,600×16 matrix viewed with T = 64 allocates no n×T×f buffer', () => {
  const n = 525_600, f = 16, T = 64
  const rng = createRng(1)
  const cols = Array.from({ length: f }, (_, j) => ({ name: `f${j}`, values: Float64Array.from({ length: n }, () => rng.normal()) }))
  const m = featureMatrix(cols)
  const before = process.memoryUsage().arrayBuffers
  const w = windowTensor(m, T)
  let sum = 0
  for (let i = w.firstBar; i <= w.lastBar; i += 7) sum += w.window(i)[0]
  const batchOut = new Float32Array(256 * T * f)
  const idx = Int32Array.from({ length: 256 }, (_, b) => w.firstBar + b * 2000)
  w.batch(idx, batchOut)
  const vb = w.validBars()
  const grown = process.memoryUsage().arrayBuffers - before
  const dense = n * T * f * 4
  assert.equal(vb.length, n - T + 1)
  assert.ok(Number.isFinite(sum))
  // invalid-row prefix counts (4n) + validBars (4n) + one batch (1 MiB): about 5 MB, against 2.15 GB dense
  assert.ok(grown < 16 * 2 ** 20, `arrayBuffers grew ${(grown / 2 ** 20).toFixed(1)} MiB (dense would be ${(dense / 2 ** 30).toFixed(2)} GiB)`)
})
