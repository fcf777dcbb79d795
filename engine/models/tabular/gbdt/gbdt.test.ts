import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../../data/rng.ts'
import { binMatrix, binOf, featureBinUpper, fitBinMapper } from './binning.ts'
import { trainBooster } from './booster.ts'
import type { BoosterParams } from './booster.ts'
import { buildHistogram } from './histogram.ts'
import { GrowWorkspace, growTreeLeafwise } from './leafwise.ts'
import { binaryObjective, lightgbmPercentile, lightgbmWeightedPercentile, quantileObjective, regressionObjective } from './objectives.ts'
import { emptySplit, findBestSplit, leafOutput } from './split.ts'
import { forestArrays, forestFromArrays, predictRaw, treeToJSON, truncateForest } from './forest.ts'

const BASE: BoosterParams = {
  numLeaves: 31, maxDepth: -1, minDataInLeaf: 20, minSumHessianInLeaf: 1e-3, lambdaL1: 0, lambdaL2: 0, minGainToSplit: 0,
  learningRate: 0.1, numIterations: 30, featureFraction: 1, baggingFraction: 1, baggingFreq: 0, earlyStoppingRounds: 0,
}

function randomSet(n: number, f: number, seed: number, kind: 'binary' | 'l2') {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = i * f
    const z = x[r] * x[r + 1] + Math.sin(2 * x[r + 2]) + 0.5 * rng.normal()
    y[i] = kind === 'binary' ? (z > 0 ? 1 : 0) : z
  }
  return { x, y, n, f }
}

const bin = (x: Float64Array, n: number, f: number, maxBin = 255) => binMatrix(fitBinMapper(x, n, f, maxBin, createRng(0)), x, n, f)

test('binning: few distinct values get one bin each with midpoint bounds; many get ≤ max_bin equal-count bins', () => {
  const u = featureBinUpper(Float64Array.of(1, 1, 2, 3, 3, 3), 255)
  assert.deepEqual([...u], [1.5, 2.5, Infinity])
  assert.equal(binOf(u, 1), 0)
  assert.equal(binOf(u, 2.5), 1, 'a value on a bound goes to the lower bin (x <= threshold is left)')
  assert.equal(binOf(u, 99), 2)
  assert.equal(binOf(u, NaN), 3, 'NaN goes to the missing bin after the real ones')
  const many = Float64Array.from({ length: 10000 }, (_, i) => i)
  const u2 = featureBinUpper(many, 16)
  assert.equal(u2.length, 16)
  const counts = new Array(16).fill(0)
  for (const v of many) counts[binOf(u2, v)]++
  for (const c of counts) assert.ok(c >= 550 && c <= 700, `bin count ${c} not near 10000/16`)
  // a heavy value (half the rows) gets a bin of its own instead of swallowing its neighbours
  const heavy = Float64Array.from({ length: 2000 }, (_, i) => (i < 1000 ? 0 : i)).sort()
  const u3 = featureBinUpper(heavy, 8)
  assert.equal(binOf(u3, 0), 0)
  assert.notEqual(binOf(u3, 1000), 0)
})

test('binning: matrix is column-major, Uint8 up to 255 bins and Uint16 above', () => {
  const n = 600, f = 2
  const x = new Float64Array(n * f)
  for (let i = 0; i < n; i++) (x[i * 2] = i), (x[i * 2 + 1] = i % 3)
  const b = bin(x, n, f)
  assert.ok(b.bins instanceof Uint8Array)
  assert.equal(b.bins[0 * n + 5], binOf(b.mapper.upper[0], 5))
  assert.equal(b.bins[1 * n + 5], 2, 'column 1 value 2 is its third bin')
  assert.equal(b.mapper.numBins[1], 3)
  assert.ok(bin(x, n, f, 400).bins instanceof Uint16Array)
})

test('split: one obvious split is found at the right threshold with the hand-computed gain and leaf values', () => {
  // x0 = 0..39, y = 1 from x0 >= 20; x1 is uninformative. With score = mean(y) = 0.5, L2 gradients
  // are ±0.5: G_left = 10, G_right = −10, H = 20 each → gain = 100/20 + 100/20 − 0 = 10.
  const n = 40
  const x = new Float64Array(n * 2)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) (x[i * 2] = i), (x[i * 2 + 1] = (i * 7) % 5), (y[i] = i >= 20 ? 1 : 0)
  const b = bin(x, n, 2)
  const res = trainBooster(b, y, undefined, regressionObjective, { ...BASE, numLeaves: 2, minDataInLeaf: 5, learningRate: 1, numIterations: 1 }, createRng(0))
  const fr = res.forest
  assert.equal(fr.feature[0], 0)
  assert.equal(fr.threshold[0], 19.5)
  assert.ok(Math.abs(fr.gain[0] - 10) < 1e-12, `gain ${fr.gain[0]}`)
  assert.deepEqual([...fr.leafValue], [-0.5, 0.5])
  assert.deepEqual([...predictRaw(fr, x, n, 2)], [...y], 'init 0.5 plus the leaf values reproduce y exactly')
  const dump = treeToJSON(fr, 0) as { tree_structure: { split_feature: number; threshold: number } }
  assert.equal(dump.tree_structure.split_feature, 0)
  assert.equal(dump.tree_structure.threshold, 19.5)
})

test('split: regularised leaf output and gain follow LightGBM (L1 soft-threshold, L2 in the denominator)', () => {
  const p = { lambdaL1: 1, lambdaL2: 2, minDataInLeaf: 1, minSumHessianInLeaf: 0, minGainToSplit: 0 }
  assert.equal(leafOutput(-5, 8, p), 4 / 10)
  assert.ok(leafOutput(0.5, 8, p) === 0, '|G| below λ1 gives a zero leaf')
  // min_gain_to_split larger than any gain: no split
  const n = 40
  const x = Float64Array.from({ length: n }, (_, i) => i)
  const y = Float64Array.from({ length: n }, (_, i) => (i >= 20 ? 1 : 0))
  const res = trainBooster(bin(x, n, 1), y, undefined, regressionObjective, { ...BASE, minDataInLeaf: 5, minGainToSplit: 10.5, numIterations: 1 }, createRng(0))
  assert.equal(res.forest.feature.length, 0)
  assert.equal(res.stopReason, 'no_split')
})

test('histogram: subtraction of the smaller child from the parent equals building the larger child directly', () => {
  const { x, y, n, f } = randomSet(3000, 5, 2, 'l2')
  const b = bin(x, n, f)
  const g = Float64Array.from(y, (v) => -v), h = new Float64Array(n).fill(1)
  const feats = Int32Array.from([0, 1, 2, 3, 4])
  const T = b.mapper.totalBins * 3
  const parent = new Float64Array(T), small = new Float64Array(T), large = new Float64Array(T)
  buildHistogram(b, null, g, h, feats, parent)
  const smallRows = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => x[i * f] > 0.8)
  const largeRows = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => !(x[i * f] > 0.8))
  const gather = (rows: Uint32Array, a: Float64Array) => Float64Array.from(rows, (r) => a[r])
  buildHistogram(b, smallRows, gather(smallRows, g), gather(smallRows, h), feats, small)
  buildHistogram(b, largeRows, gather(largeRows, g), gather(largeRows, h), feats, large)
  for (let s = 0; s < T; s++) assert.ok(Math.abs(parent[s] - small[s] - large[s]) < 1e-9, `slot ${s}`)
  // counts sum to n per feature
  let c = 0
  for (let s = 0; s < (b.mapper.offsets[1] - b.mapper.offsets[0]); s++) c += parent[s * 3 + 2]
  assert.equal(c, n)
})

test('leaf-wise growth: leaves ≤ num_leaves, every leaf ≥ min_data_in_leaf, depth ≤ max_depth', () => {
  const { x, y, n, f } = randomSet(5000, 4, 3, 'l2')
  const b = bin(x, n, f)
  for (const [numLeaves, minData, maxDepth] of [[31, 20, -1], [7, 200, -1], [63, 5, 3], [2, 1, -1]]) {
    const res = trainBooster(b, y, undefined, regressionObjective, { ...BASE, numLeaves, minDataInLeaf: minData, maxDepth, numIterations: 5 }, createRng(0))
    const fr = res.forest
    for (let t = 0; t < 5; t++) {
      const leaves = fr.leafStart[t + 1] - fr.leafStart[t]
      assert.ok(leaves <= numLeaves, `${leaves} leaves > ${numLeaves}`)
      if (maxDepth < 0) assert.equal(leaves, numLeaves, 'this much data fills every allowed leaf')
      else assert.ok(leaves <= 2 ** maxDepth)
      for (let l = fr.leafStart[t]; l < fr.leafStart[t + 1]; l++) assert.ok(fr.leafCount[l] >= minData, `leaf with ${fr.leafCount[l]} rows < ${minData}`)
      let total = 0
      for (let l = fr.leafStart[t]; l < fr.leafStart[t + 1]; l++) total += fr.leafCount[l]
      assert.equal(total, n, 'leaves partition the rows')
    }
  }
})

test('leaf-wise growth picks the best leaf first: the first split has the largest gain of the tree', () => {
  const { x, y, n, f } = randomSet(4000, 4, 4, 'l2')
  const fr = trainBooster(bin(x, n, f), y, undefined, regressionObjective, { ...BASE, numIterations: 1 }, createRng(0)).forest
  for (let a = 1; a < fr.gain.length; a++) assert.ok(fr.gain[0] >= fr.gain[a])
})

test('missing values (engine level): NaN rows get their own bin and the split learns where they go', () => {
  // rows with y = 1 have x0 = NaN; the rest are uninformative numbers
  const n = 400
  const rng = createRng(5)
  const x = new Float64Array(n), y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    y[i] = i % 4 === 0 ? 1 : 0
    x[i] = y[i] ? NaN : rng.normal()
  }
  const b = bin(x, n, 1)
  const fr = trainBooster(b, y, undefined, regressionObjective, { ...BASE, numLeaves: 2, learningRate: 1, numIterations: 1 }, createRng(0)).forest
  const pred = predictRaw(fr, x, n, 1)
  for (let i = 0; i < n; i++) assert.ok(Math.abs(pred[i] - y[i]) < 1e-12, `row ${i}: ${pred[i]} vs ${y[i]}`)
})

test('training loss decreases monotonically (binary and L2)', () => {
  for (const [kind, obj] of [['binary', binaryObjective], ['l2', regressionObjective]] as const) {
    const { x, y, n, f } = randomSet(3000, 4, 6, kind)
    const res = trainBooster(bin(x, n, f), y, undefined, obj, { ...BASE, numIterations: 40 }, createRng(0))
    assert.equal(res.trainLoss.length, 40)
    for (let i = 1; i < 40; i++) assert.ok(res.trainLoss[i] <= res.trainLoss[i - 1] + 1e-12, `${kind} loss rose at ${i}`)
    assert.ok(res.trainLoss[39] < 0.7 * res.trainLoss[0])
  }
})

test('early stopping stops after the patience and keeps the best iteration', () => {
  const tr = randomSet(2000, 4, 7, 'binary'), va = randomSet(2000, 4, 8, 'binary')
  // pure-noise labels: validation loss bottoms out early
  const rng = createRng(9)
  const yn = Float64Array.from(tr.y, () => (rng.next() < 0.5 ? 1 : 0))
  const yv = Float64Array.from(va.y, () => (rng.next() < 0.5 ? 1 : 0))
  const res = trainBooster(bin(tr.x, tr.n, tr.f), yn, undefined, binaryObjective, { ...BASE, numIterations: 500, earlyStoppingRounds: 10 }, createRng(0), {
    valid: { x: va.x, n: va.n, y: yv },
  })
  assert.equal(res.stopReason, 'early_stopping')
  assert.ok(res.iterationsRun < 500)
  const best = res.validLoss.indexOf(Math.min(...res.validLoss)) + 1
  assert.equal(res.bestIteration, best)
  assert.equal(res.iterationsRun, best + 10)
  assert.equal(res.forest.nodeStart.length - 1, best, 'only the best iteration’s trees are kept')
  const p = predictRaw(res.forest, va.x, va.n, va.f)
  assert.ok(Math.abs(binaryObjective.loss(yv, p) - res.validLoss[best - 1]) < 1e-12)
})

test('bagging + feature_fraction: same seed → identical forest, other seed → different', () => {
  const { x, y, n, f } = randomSet(3000, 6, 10, 'binary')
  const b = bin(x, n, f)
  const p = { ...BASE, baggingFraction: 0.6, baggingFreq: 1, featureFraction: 0.5, numIterations: 20 }
  const a = trainBooster(b, y, undefined, binaryObjective, p, createRng(42)).forest
  const a2 = trainBooster(b, y, undefined, binaryObjective, p, createRng(42)).forest
  const c = trainBooster(b, y, undefined, binaryObjective, p, createRng(43)).forest
  assert.deepEqual(predictRaw(a, x, n, f), predictRaw(a2, x, n, f))
  assert.notDeepEqual(predictRaw(a, x, n, f), predictRaw(c, x, n, f))
  // the train scores kept during bagging (in-bag by segment, out-of-bag by traversal) equal a fresh prediction
  const res = trainBooster(b, y, undefined, binaryObjective, p, createRng(42))
  assert.ok(Math.abs(binaryObjective.loss(y, predictRaw(res.forest, x, n, f)) - res.trainLoss.at(-1)!) < 1e-12)
})

test('quantile objective: LightGBM percentiles and leaf renewal', () => {
  assert.equal(lightgbmPercentile(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.5), 6)
  assert.equal(lightgbmPercentile(Float64Array.of(3, 1, 2), 0.5), 2.5) // pos 1, bias 0.5 between 3 and 2
  assert.equal(lightgbmPercentile(Float64Array.of(5, 1, 9), 0.99), 9)
  // pos = floor(0.99·3) = 2, bias 0.97: 5 − (5 − 1)·0.97 (LightGBM interpolates, it does not snap to the min)
  assert.ok(Math.abs(lightgbmPercentile(Float64Array.of(5, 1, 9), 0.01) - 1.12) < 1e-12)
  assert.equal(lightgbmWeightedPercentile(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1), 0.5), 2)
  assert.equal(lightgbmWeightedPercentile(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1), 0.6), 2.4)
  assert.equal(lightgbmWeightedPercentile(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 9), 0.5), 4)
  // a stump on two groups: renewed leaves (lr 1) land on each group's alpha-percentile of residuals
  const n = 200
  const x = Float64Array.from({ length: n }, (_, i) => (i < 100 ? 0 : 1))
  const y = Float64Array.from({ length: n }, (_, i) => (i < 100 ? i : 1000 + (i - 100)))
  const obj = quantileObjective(0.9)
  const fr = trainBooster(bin(x, n, 1), y, undefined, obj, { ...BASE, numLeaves: 2, learningRate: 1, numIterations: 1 }, createRng(0)).forest
  const init = fr.initScore
  assert.equal(init, lightgbmPercentile(y.slice(), 0.9))
  const pred = predictRaw(fr, x, n, 1)
  assert.equal(pred[0], init + lightgbmPercentile(Float64Array.from({ length: 100 }, (_, i) => i - init), 0.9))
  assert.equal(pred[150], init + lightgbmPercentile(Float64Array.from({ length: 100 }, (_, i) => 1000 + i - init), 0.9))
})

test('forest: arrays round-trip exactly; truncation keeps a prefix', () => {
  const { x, y, n, f } = randomSet(1000, 3, 12, 'l2')
  const fr = trainBooster(bin(x, n, f), y, undefined, regressionObjective, { ...BASE, numIterations: 10 }, createRng(0)).forest
  const back = forestFromArrays(fr.initScore, forestArrays(fr, 'h.'), 'h.')
  assert.deepEqual(predictRaw(back, x, n, f), predictRaw(fr, x, n, f))
  const t3 = truncateForest(fr, 3)
  assert.equal(t3.nodeStart.length, 4)
  const full = trainBooster(bin(x, n, f), y, undefined, regressionObjective, { ...BASE, numIterations: 3 }, createRng(0)).forest
  assert.deepEqual(predictRaw(t3, x, n, f), predictRaw(full, x, n, f))
})

test('findBestSplit reports no split when min_data_in_leaf cannot be met on both sides', () => {
  const n = 30
  const x = Float64Array.from({ length: n }, (_, i) => i)
  const b = bin(x, n, 1)
  const hist = new Float64Array(b.mapper.totalBins * 3)
  const g = Float64Array.from({ length: n }, (_, i) => (i < 15 ? 1 : -1))
  const h = new Float64Array(n).fill(1)
  buildHistogram(b, null, g, h, Int32Array.of(0), hist)
  const best = emptySplit()
  findBestSplit(hist, b.mapper, Int32Array.of(0), 0, n, n, { lambdaL1: 0, lambdaL2: 0, minDataInLeaf: 16, minSumHessianInLeaf: 0, minGainToSplit: 0 }, best)
  assert.equal(best.feature, -1)
  findBestSplit(hist, b.mapper, Int32Array.of(0), 0, n, n, { lambdaL1: 0, lambdaL2: 0, minDataInLeaf: 15, minSumHessianInLeaf: 0, minGainToSplit: 0 }, best)
  assert.equal(best.feature, 0)
  assert.equal(best.leftCount, 15)
  // and the grower never builds a leaf under the minimum
  const ws = new GrowWorkspace(b, 4)
  const tree = growTreeLeafwise(ws, g, h, null, Int32Array.of(0), { lambdaL1: 0, lambdaL2: 0, minDataInLeaf: 15, minSumHessianInLeaf: 0, minGainToSplit: 0, numLeaves: 4, maxDepth: -1 })
  assert.equal(tree.numLeaves, 2)
})
