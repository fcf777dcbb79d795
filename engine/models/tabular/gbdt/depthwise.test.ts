import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../../data/rng.ts'
import { binDataset } from './binning.ts'
import { trainBooster } from './booster.ts'
import type { BoosterParams } from './booster.ts'
import { growTreeDepthwise, KRT_EPS, levelHistograms } from './depthwise.ts'
import { predictRaw, treeToJSON } from './forest.ts'
import type { Forest } from './forest.ts'
import { growTreeLeafwise } from './leafwise.ts'
import { regressionObjective } from './objectives.ts'
import type { Objective } from './objectives.ts'

// regression from a zero start, so the first tree's gradients are −y (hand-computable)
const fromZero: Objective = { ...regressionObjective, initScore: () => 0 }

const base: BoosterParams = {
  numLeaves: 64, maxDepth: 6, minDataInLeaf: 1, minSumHessianInLeaf: 1, lambdaL1: 0, lambdaL2: 1, minGainToSplit: 0,
  learningRate: 1, numIterations: 1, featureFraction: 1, baggingFraction: 1, baggingFreq: 0, earlyStoppingRounds: 0,
}

function fit(x: Float64Array, n: number, f: number, y: Float64Array, p: Partial<BoosterParams> = {}, histograms?: number, obj: Objective = fromZero) {
  const binned = binDataset(x, n, f, 256, createRng(1))
  const bp = { ...base, ...p }
  return trainBooster(binned, y, undefined, obj, bp, createRng(2), { grower: growTreeDepthwise, histograms: histograms ?? levelHistograms(binned.mapper, bp.maxDepth) })
}

type Node = { split_feature?: number; threshold?: number; split_gain?: number; leaf_value?: number; leaf_count?: number; left_child?: Node; right_child?: Node }
const depthOf = (nd: Node): number => (nd.left_child ? 1 + Math.max(depthOf(nd.left_child), depthOf(nd.right_child!)) : 0)
const rootOf = (fr: Forest, t = 0) => treeToJSON(fr, t).tree_structure as Node

const tinyX = Float64Array.of(1, 2, 3, 4, 5, 6)
const tinyY = Float64Array.of(1, 1, 1, 5, 5, 5)

test('hand-checked stump: threshold between 3 and 4, XGBoost weights −G/(H+λ) and loss change without the ½', () => {
  const res = fit(tinyX, 6, 1, tinyY, { maxDepth: 1 })
  const root = rootOf(res.forest)
  assert.equal(root.threshold, 3.5)
  // left: G = −3, H = 3 → 3/4; right: G = −15, H = 3 → 15/4; gain = 9/4 + 225/4 − 324/7
  assert.equal(root.left_child!.leaf_value, 0.75)
  assert.equal(root.right_child!.leaf_value, 3.75)
  assert.ok(Math.abs(root.split_gain! - (9 / 4 + 225 / 4 - 324 / 7)) < 1e-12)
})

test('reg_alpha soft-thresholds leaf weights: −(G∓α)/(H+λ)', () => {
  const res = fit(tinyX, 6, 1, tinyY, { maxDepth: 1, lambdaL1: 2 })
  const root = rootOf(res.forest)
  assert.ok(Math.abs(root.left_child!.leaf_value! - 1 / 4) < 1e-15)
  assert.ok(Math.abs(root.right_child!.leaf_value! - 13 / 4) < 1e-15)
})

test('gamma is a ≥ threshold on the loss change (XGBoost), and min_child_weight bounds children hessians', () => {
  const gain = rootOf(fit(tinyX, 6, 1, tinyY, { maxDepth: 1 }).forest).split_gain!
  assert.equal(fit(tinyX, 6, 1, tinyY, { maxDepth: 1, minGainToSplit: gain }).forest.feature.length, 1, 'gain == gamma splits')
  const none = fit(tinyX, 6, 1, tinyY, { maxDepth: 1, minGainToSplit: gain * (1 + 1e-12) })
  assert.equal(none.forest.feature.length, 0)
  assert.equal(none.stopReason, 'no_split')
  // six rows of hessian 1: children of ≥ 3 each are possible, of ≥ 3.5 each are not
  assert.equal(fit(tinyX, 6, 1, tinyY, { maxDepth: 1, minSumHessianInLeaf: 3 }).forest.feature.length, 1)
  assert.equal(fit(tinyX, 6, 1, tinyY, { maxDepth: 1, minSumHessianInLeaf: 3.5 }).forest.feature.length, 0)
})

test('a loss change of at most kRtEps is not a split', () => {
  // y differs by 1e-4 between halves: gain = 6·(5e-5)²·… ≈ 1e-8 < kRtEps with λ = 0
  const y = Float64Array.of(0, 0, 0, 1e-4, 1e-4, 1e-4)
  const res = fit(tinyX, 6, 1, y, { maxDepth: 1, lambdaL2: 0, minSumHessianInLeaf: 0 })
  assert.ok(KRT_EPS > 1e-8)
  assert.equal(res.forest.feature.length, 0)
})

function randomSet(n: number, f: number, seed: number) {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) y[i] = x[i * f] * x[i * f + 1] + Math.sin(3 * x[i * f + 2]) + 0.3 * rng.normal()
  return { x, y }
}

test('trees respect max_depth and fill it where splits pay (depth-wise completeness is checked against leaf-wise below)', () => {
  const { x, y } = randomSet(3000, 5, 3)
  const res = fit(x, 3000, 5, y, { maxDepth: 3, numIterations: 20, learningRate: 0.3 })
  assert.equal(res.iterationsRun, 20)
  let full = 0
  for (let t = 0; t < 20; t++) {
    const leaves = res.forest.leafStart[t + 1] - res.forest.leafStart[t]
    assert.ok(depthOf(rootOf(res.forest, t)) <= 3)
    assert.ok(leaves <= 8)
    if (leaves === 8) full++
  }
  // with λ = 1 a small node's best split can lose to its parent (negative gain), so not every tree is full
  assert.ok(full >= 10, `${full} of 20 trees have 8 leaves`)
})

test('equals leaf-wise growth with an unbinding leaf budget and the same depth limit (same splits, same predictions)', () => {
  const { x, y } = randomSet(2000, 4, 4)
  const p = { maxDepth: 4, numIterations: 10, learningRate: 0.3, numLeaves: 16 }
  const a = fit(x, 2000, 4, y, p)
  const binned = binDataset(x, 2000, 4, 256, createRng(1))
  const b = trainBooster(binned, y, undefined, fromZero, { ...base, ...p }, createRng(2), { grower: growTreeLeafwise })
  const pa = predictRaw(a.forest, x, 2000, 4), pb = predictRaw(b.forest, x, 2000, 4)
  let d = 0
  for (let i = 0; i < 2000; i++) d = Math.max(d, Math.abs(pa[i] - pb[i]))
  assert.ok(d < 1e-9, `max |depthwise − leafwise| = ${d}`)
  assert.deepEqual([...a.forest.feature].sort(), [...b.forest.feature].sort())
})

test('a histogram pool too small for the subtraction trick rebuilds from rows and grows the same trees', () => {
  const { x, y } = randomSet(2000, 6, 5)
  const p = { maxDepth: 5, numIterations: 5, learningRate: 0.3 }
  const full = fit(x, 2000, 6, y, p)
  const tight = fit(x, 2000, 6, y, p, 2)
  assert.deepEqual(tight.forest.feature, full.forest.feature)
  assert.deepEqual(tight.forest.threshold, full.forest.threshold)
  const pf = predictRaw(full.forest, x, 2000, 6), pt = predictRaw(tight.forest, x, 2000, 6)
  for (let i = 0; i < 2000; i++) assert.ok(Math.abs(pf[i] - pt[i]) < 1e-9)
})

test('training loss decreases round after round on a learnable target', () => {
  const { x, y } = randomSet(2000, 5, 6)
  const res = fit(x, 2000, 5, y, { numIterations: 30, learningRate: 0.3 })
  for (let i = 1; i < res.trainLoss.length; i++) assert.ok(res.trainLoss[i] < res.trainLoss[i - 1], `round ${i + 1}`)
})
