import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../../contracts/errors.ts'
import { createRng } from '../../../data/rng.ts'
import { bootstrapDraws, bootstrapWeights, resolveMaxFeatures } from './bootstrap.ts'
import { TreeBuilder } from './cart.ts'
import type { TreeParams } from './cart.ts'
import { presortColumns, toColumns } from './columns.ts'
import { forestArrays, forestFromArrays, forestImportance, packForest, predictForest } from './forest.ts'

const P: TreeParams = { splitter: 'best', maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 1 }

/** rows given as arrays of feature values */
function grow(rows: number[][], y: number[], p: Partial<TreeParams> = {}, w?: number[], seed = 1) {
  const n = rows.length, f = rows[0].length
  const m = toColumns(Float64Array.from(rows.flat()), n, f)
  const params = { ...P, maxFeatures: f, ...p }
  const b = new TreeBuilder(m, params, params.splitter === 'best' ? presortColumns(m) : undefined)
  return b.grow(Float64Array.from(y), Float64Array.from(w ?? y.map(() => 1)), createRng(seed))
}

test('presortColumns: each column ascending, ties in row order, -0 equal to +0', () => {
  // rows (x0, x1): (3, 1) (1, 0) (-0, 5) (2, -0) (1, -1)
  const x = Float64Array.from([3, 1, 1, 0, -0, 5, 2, -0, 1, -1])
  const o = presortColumns(toColumns(x, 5, 2))
  assert.deepEqual(Array.from(o.subarray(0, 5)), [2, 1, 4, 3, 0])
  // 0 (row 1) and -0 (row 3) tie, so they keep row order
  assert.deepEqual(Array.from(o.subarray(5)), [4, 1, 3, 0, 2])
})

test('presortColumns agrees with a comparator sort on random data with many ties', () => {
  const rng = createRng(4)
  const n = 3000, f = 3
  const x = Float64Array.from({ length: n * f }, () => Math.floor(rng.next() * 50) / 7)
  const m = toColumns(x, n, f)
  const o = presortColumns(m)
  for (let j = 0; j < f; j++) {
    const want = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a * f + j] - x[b * f + j] || a - b)
    assert.deepEqual(Array.from(o.subarray(j * n, (j + 1) * n)), want)
  }
})

test('best split by hand: a clean cut halfway between neighbours, pure leaves, gain = weighted impurity decrease', () => {
  const t = grow([[1], [2], [3], [4], [5], [6]], [0, 0, 0, 1, 1, 1])
  assert.equal(t.nodeCount, 3)
  assert.deepEqual([t.feature[0], t.threshold[0]], [0, 3.5])
  assert.deepEqual(Array.from(t.value), [0.5, 0, 1])
  // (S_L²/W_L + S_R²/W_R) − S²/W = (0 + 9/3) − 9/6
  assert.equal(t.gain[0], 1.5)
})

test('the best of several features wins; squared error picks the split that removes most variance', () => {
  // feature 0 separates {0,0,0 | 10,10,10} with one error; feature 1 separates exactly
  const y = [0, 0, 0, 10, 10, 10]
  const t = grow([[1, 6], [2, 5], [4, 4], [3, 3], [5, 2], [6, 1]], y, { maxDepth: 1 })
  assert.equal(t.feature[0], 1)
  assert.equal(t.threshold[0], 3.5)
  assert.deepEqual(Array.from(t.value.subarray(1)), [10, 0])
})

test('min_samples_leaf, min_samples_split and max_depth stop growth where scikit-learn does', () => {
  const rows = [[1], [2], [3], [4], [5], [6]]
  const y = [1, 0, 0, 0, 0, 0]
  // the pure cut at 1.5 would leave one row: with min_samples_leaf 2 the best allowed cut is 2.5
  const t = grow(rows, y, { minSamplesLeaf: 2, maxDepth: 1 })
  assert.equal(t.threshold[0], 2.5)
  assert.equal(grow(rows, y, { minSamplesSplit: 7 }).nodeCount, 1)
  assert.equal(grow(rows, [0, 1, 0, 1, 0, 1], { maxDepth: 2 }).feature.filter((v) => v >= 0).length <= 3, true)
  // a pure node is never split
  assert.equal(grow(rows, [1, 1, 1, 1, 1, 1]).nodeCount, 1)
})

test('threshold falls back to the lower value when the midpoint rounds onto the upper; x <= threshold goes left', () => {
  const lo = 1 - 2 ** -53
  const t = grow([[lo], [1]], [0, 1])
  assert.equal(t.threshold[0], lo)
  const f = packForest([t])
  assert.deepEqual(Array.from(predictForest(f, Float64Array.from([lo, 1]), 2, 1)), [0, 1])
})

test('zero-weight rows take no part; leaf values are weighted means', () => {
  const rows = [[1], [2], [3], [4]]
  const t = grow(rows, [0, 1, 0, 1], {}, [1, 3, 0, 0])
  // rows 2 and 3 are absent: only x=1 (y=0) and x=2 (y=1) remain → one cut at 1.5
  assert.deepEqual([t.nodeCount, t.threshold[0]], [3, 1.5])
  assert.equal(t.value[0], 0.75)
})

test('constant features do not use up max_features: the draw continues until a usable feature is found', () => {
  const rows = Array.from({ length: 20 }, (_, i) => [7, 7, i, 7])
  const y = rows.map((r) => (r[2] >= 10 ? 1 : 0))
  for (let seed = 1; seed <= 10; seed++) {
    const t = grow(rows, y, { maxFeatures: 1 }, undefined, seed)
    assert.deepEqual([t.feature[0], t.threshold[0], t.nodeCount], [2, 9.5, 3], `seed ${seed}`)
  }
})

test('random splitter: thresholds inside the node range, deterministic per seed, grows to pure leaves', () => {
  const rng = createRng(9)
  const rows = Array.from({ length: 200 }, () => [rng.normal(), rng.normal()])
  const y = rows.map((r) => (r[0] + r[1] > 0 ? 1 : 0))
  const a = grow(rows, y, { splitter: 'random' }, undefined, 3)
  const b = grow(rows, y, { splitter: 'random' }, undefined, 3)
  const c = grow(rows, y, { splitter: 'random' }, undefined, 4)
  assert.deepEqual(a, b)
  assert.notDeepEqual(a.threshold, c.threshold)
  const lo = Math.min(...rows.map((r) => r[a.feature[0]])), hi = Math.max(...rows.map((r) => r[a.feature[0]]))
  assert.ok(a.threshold[0] >= lo && a.threshold[0] < hi)
  const x = Float64Array.from(rows.flat())
  assert.deepEqual(Array.from(predictForest(packForest([a]), x, 200, 2)), y, 'fully grown tree fits its training rows')
  for (let k = 0; k < a.nodeCount; k++) if (a.feature[k] < 0) assert.ok(a.value[k] === 0 || a.value[k] === 1)
})

test('bootstrap: draws with replacement sum to the draw count, scaled by sample weights; max_samples rounding', () => {
  const w = new Float64Array(50)
  bootstrapWeights(50, 50, undefined, createRng(1), w)
  assert.equal(w.reduce((s, v) => s + v, 0), 50)
  assert.ok(w.some((v) => v === 0) && w.some((v) => v > 1), 'some rows left out, some drawn twice')
  const base = Float64Array.from({ length: 50 }, (_, i) => i / 10)
  const v = new Float64Array(50)
  bootstrapWeights(50, 50, base, createRng(1), v)
  for (let i = 0; i < 50; i++) assert.equal(v[i], w[i] * base[i])
  assert.deepEqual([bootstrapDraws(1000, null), bootstrapDraws(1000, 0.25), bootstrapDraws(3, 0.01)], [1000, 250, 1])
})

test('max_features resolves as scikit-learn does', () => {
  assert.deepEqual([resolveMaxFeatures(30, 'sqrt', 1, 1), resolveMaxFeatures(30, 'log2', 1, 1), resolveMaxFeatures(30, 'all', 1, 1)], [5, 4, 30])
  assert.deepEqual([resolveMaxFeatures(30, 'fraction', 0.5, 1), resolveMaxFeatures(30, 'fraction', 0.01, 1), resolveMaxFeatures(3, 'sqrt', 1, 1)], [15, 1, 1])
  assert.equal(resolveMaxFeatures(30, 'count', 1, 7), 7)
  assert.match(String(resolveMaxFeatures(5, 'count', 1, 7)), /exceeds the 5 input features; valid: 1\.\.5/)
})

test('forest: predictions average the trees; arrays round-trip; importance sums to 1 and ranks the signal first', () => {
  const rng = createRng(2)
  const rows = Array.from({ length: 300 }, () => [rng.normal(), rng.normal(), rng.normal()])
  const y = rows.map((r) => (r[1] + 0.2 * rng.normal() > 0 ? 1 : 0))
  const trees = [1, 2, 3].map((s) => grow(rows, y, { maxFeatures: 2, maxDepth: 4 }, undefined, s))
  const forest = packForest(trees)
  const x = Float64Array.from(rows.flat())
  const each = trees.map((t) => predictForest(packForest([t]), x, 300, 3))
  const mean = predictForest(forest, x, 300, 3)
  for (let i = 0; i < 300; i++) assert.equal(mean[i], (each[0][i] + each[1][i] + each[2][i]) / 3)
  const back = forestFromArrays(forestArrays(forest, 'p_up.'), 'p_up.', 3)
  assert.deepEqual(predictForest(back, x, 300, 3), mean)
  const imp = forestImportance(forest, 3)
  assert.ok(Math.abs(imp.reduce((s, v) => s + v, 0) - 1) < 1e-12)
  assert.ok(imp[1] > imp[0] && imp[1] > imp[2], `importance ${Array.from(imp)}`)
})

test('forestFromArrays refuses wrong types and children pointing outside their tree (E_CONFIG)', () => {
  const forest = packForest([grow([[1], [2], [3], [4]], [0, 0, 1, 1])])
  const arrays = forestArrays(forest, 'E_r.')
  assert.throws(() => forestFromArrays({ ...arrays, 'E_r.threshold': new Float32Array(3) }, 'E_r.', 1), (e: FactoryError) => e.code === 'E_CONFIG' && /E_r\.threshold.*Float32Array/.test(e.message))
  const bad = forestArrays(forest, 'E_r.')
  ;(bad['E_r.left'] as Int32Array)[0] = 9
  assert.throws(() => forestFromArrays(bad, 'E_r.', 1), (e: FactoryError) => e.code === 'E_CONFIG' && /tree 0 node 0 points outside/.test(e.message))
  assert.throws(() => forestFromArrays(arrays, 'E_r.', 0), (e: FactoryError) => e.code === 'E_CONFIG')
})
