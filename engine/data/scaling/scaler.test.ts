import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { createRng } from '../rng.ts'
import { Scaler, percentileInPlace, robustScaler, standardScaler } from './index.ts'

/** column-major literal → row-major Float64Array */
function matrix(cols: number[][]): { X: Float64Array; n: number; f: number } {
  const n = cols[0].length, f = cols.length
  const X = new Float64Array(n * f)
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) X[i * f + j] = cols[j][i]
  return { X, n, f }
}

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`)

test('percentile matches numpy linear interpolation (hand values, then against a full sort)', () => {
  const p = (xs: number[], q: number): number => percentileInPlace(Float64Array.from(xs), q)
  assert.equal(p([1, 2, 3, 4], 50), 2.5)
  assert.equal(p([1, 2, 3, 4], 25), 1.75)
  assert.equal(p([1, 2, 3, 4], 75), 3.25)
  assert.equal(p([4, 1, 100, 3, 2], 50), 3)
  assert.equal(p([7], 25), 7)
  const rng = createRng(1)
  for (const m of [2, 3, 10, 101, 1000]) {
    const a = Float64Array.from({ length: m }, () => Math.round(rng.normal() * 5)) // many ties
    const sorted = Float64Array.from(a).sort()
    for (const q of [0, 10, 25, 50, 75, 90, 100]) {
      const pos = (q / 100) * (m - 1), k = Math.floor(pos)
      const want = k + 1 < m ? sorted[k] + (sorted[k + 1] - sorted[k]) * (pos - k) : sorted[k]
      close(percentileInPlace(Float64Array.from(a), q), want)
    }
  }
})

test('standard scaler: hand values, population std, NaN ignored per column', () => {
  // col 0: 1, 2, 3, 4 → mean 2.5, std √1.25; col 1: 10, NaN, 30, 20 → mean 20, std √(200/3)
  const { X, n, f } = matrix([[1, 2, 3, 4], [10, NaN, 30, 20]])
  const s = standardScaler().fit(X, n, f, [{ start: 0, end: 4 }])
  assert.deepEqual(s.params.center, [2.5, 20])
  close(s.params.scale[0], Math.sqrt(1.25))
  close(s.params.scale[1], Math.sqrt(200 / 3))
  assert.deepEqual(s.params.count, [4, 3])
  const Y = s.transform(X, n, f)
  close(Y[0], -1.5 / Math.sqrt(1.25))
  assert.ok(Number.isNaN(Y[3]), 'NaN passes through')
  close(Y[7], 0)
})

test('robust scaler: median / IQR as sklearn RobustScaler(quantile_range=(25, 75)), outlier-proof', () => {
  const { X, n, f } = matrix([[1, 2, 3, 4, 100], [5, 5, 5, 5, 5]])
  const s = robustScaler().fit(X, n, f, [{ start: 0, end: 5 }])
  assert.deepEqual(s.params.center, [3, 5])
  assert.deepEqual(s.params.scale, [2, 1]) // q75 − q25 = 4 − 2; constant column → scale 1
  assert.deepEqual(s.params.quantileRange, [25, 75])
  assert.deepEqual(Array.from(s.transform(X, n, f)), [-1, 0, -0.5, 0, 0, 0, 0.5, 0, 48.5, 0])
  const wide = robustScaler({ quantileRange: [10, 90] }).fit(X, n, f, [{ start: 0, end: 5 }])
  close(wide.params.scale[0], 61.6 - 1.4) // numpy: percentile([1,2,3,4,100], [10, 90])
})

test('zero-variance columns get scale 1 (centred, not divided by ~0), including large constants', () => {
  const { X, n, f } = matrix([[1e6, 1e6, 1e6], [0.1, 0.1, 0.1], [3, 3, 3]])
  for (const s of [standardScaler(), robustScaler()]) {
    s.fit(X, n, f, [{ start: 0, end: 3 }])
    assert.deepEqual(s.params.scale, [1, 1, 1], s.type)
    for (const v of s.transform(X, n, f)) assert.ok(Math.abs(v) < 1e-9, `${s.type}: ${v}`)
  }
})

test('fit reads training rows only: changing every non-train row changes no fitted param', () => {
  const n = 5000, f = 4
  const rng = createRng(3)
  const X = Float64Array.from({ length: n * f }, () => rng.normal())
  const train = [{ start: 100, end: 1500 }, { start: 2000, end: 3000 }]
  const inTrain = (i: number): boolean => train.some((r) => i >= r.start && i < r.end)
  const Z = Float64Array.from(X)
  for (let i = 0; i < n; i++) if (!inTrain(i)) for (let j = 0; j < f; j++) Z[i * f + j] = i % 3 === 0 ? NaN : 1e9 * rng.normal()
  for (const make of [standardScaler, robustScaler]) {
    const a = make().fit(X, n, f, train).toJSON()
    const b = make().fit(Z, n, f, train).toJSON()
    assert.deepEqual(b, a)
    // and the rows do matter when they are in training
    const c = make().fit(Z, n, f, [{ start: 0, end: n }]).toJSON()
    assert.notDeepEqual(c.center, a.center)
  }
})

test('toJSON → JSON text → fromJSON transforms identically; Float32 in gives Float32 out', () => {
  const n = 300, f = 3
  const rng = createRng(4)
  const X = Float32Array.from({ length: n * f }, () => 50 + 3 * rng.normal())
  for (const make of [standardScaler, robustScaler]) {
    const s = make({ names: ['a', 'b', 'c'] }).fit(X, n, f, [{ start: 0, end: 200 }])
    const back = Scaler.fromJSON(JSON.parse(JSON.stringify(s)))
    const y1 = s.transform(X, n, f), y2 = back.transform(X, n, f)
    assert.ok(y1 instanceof Float32Array)
    assert.deepEqual(y2, y1)
    assert.deepEqual(back.params.names, ['a', 'b', 'c'])
    const roundTrip = s.inverseTransform(s.transform(new Float64Array(X), n, f), n, f)
    for (let i = 0; i < X.length; i++) close(roundTrip[i], X[i], 1e-12)
  }
})

test('errors: unfitted, bad ranges, shape mismatches, all-NaN training column, corrupt JSON', () => {
  const { X, n, f } = matrix([[1, 2, 3], [NaN, NaN, 4]])
  const code = (fn: () => unknown, c: string, path?: string): void =>
    assert.throws(fn, (e: unknown) => e instanceof FactoryError && e.code === c && (path === undefined || e.details.path === path))
  code(() => standardScaler().transform(X, n, f), 'E_NOT_FITTED')
  code(() => standardScaler().fit(X, n, f, []), 'E_PARAM', 'trainRanges')
  code(() => standardScaler().fit(X, n, f, [{ start: 0, end: 2 }, { start: 1, end: 3 }]), 'E_PARAM', 'trainRanges[1]')
  code(() => standardScaler().fit(X, n, f, [{ start: 0, end: 4 }]), 'E_PARAM', 'trainRanges[0]')
  code(() => standardScaler().fit(X, n, 3, [{ start: 0, end: 1 }]), 'E_SHAPE')
  code(() => standardScaler({ names: ['x', 'y'] }).fit(X, n, f, [{ start: 0, end: 2 }]), 'E_NAN_INPUT')
  assert.throws(() => robustScaler({ names: ['x', 'y'] }).fit(X, n, f, [{ start: 0, end: 2 }]), /"y"/)
  const s = standardScaler().fit(X, n, f, [{ start: 0, end: 3 }])
  code(() => s.transform(new Float64Array(3), 1, 3), 'E_SHAPE')
  code(() => Scaler.fromJSON({ ...s.toJSON(), scale: [1, 0] }), 'E_CONFIG', 'scale[1]')
  code(() => Scaler.fromJSON({ ...s.toJSON(), type: 'minmax' }), 'E_UNKNOWN_NAME', 'type')
  code(() => robustScaler({ quantileRange: [75, 25] }).fit(X, n, f, [{ start: 0, end: 3 }]), 'E_PARAM', 'quantileRange')
})
