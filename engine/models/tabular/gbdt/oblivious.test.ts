import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../../data/rng.ts'
import { binDataset } from './binning.ts'
import { trainBooster } from './booster.ts'
import type { BoosterParams } from './booster.ts'
import { levelHistograms } from './depthwise.ts'
import { predictRaw } from './forest.ts'
import type { Forest } from './forest.ts'
import { obliviousGrower, obliviousTables, predictOblivious } from './oblivious.ts'
import type { ObliviousOptions } from './oblivious.ts'
import { regressionObjective } from './objectives.ts'
import type { Objective } from './objectives.ts'

const fromZero: Objective = { ...regressionObjective, initScore: () => 0 }
const base: BoosterParams = {
  numLeaves: 4, maxDepth: 2, minDataInLeaf: 1, minSumHessianInLeaf: 0, lambdaL1: 0, lambdaL2: 1, minGainToSplit: 0,
  learningRate: 1, numIterations: 1, featureFraction: 1, baggingFraction: 1, baggingFreq: 0, earlyStoppingRounds: 0,
}
const plain: Omit<ObliviousOptions, 'rng'> = { scoreFunction: 'L2', randomStrength: 0, baggingTemperature: 0 }

function fit(x: Float64Array, n: number, f: number, y: Float64Array, p: Partial<BoosterParams> = {}, o: Partial<ObliviousOptions> = {}, histograms?: number, seed = 3) {
  const binned = binDataset(x, n, f, 254, createRng(1))
  const bp = { ...base, ...p, numLeaves: 2 ** (p.maxDepth ?? base.maxDepth) }
  const grower = obliviousGrower({ ...plain, rng: createRng(seed), ...o })
  return trainBooster(binned, y, undefined, fromZero, bp, createRng(2), { grower, histograms: histograms ?? levelHistograms(binned.mapper, bp.maxDepth) })
}

/** (feature, threshold) of every node, grouped by level, for tree t. */
function levels(fr: Forest, t: number): [number, number][][] {
  const ns = fr.nodeStart[t]
  const out: [number, number][][] = []
  let frontier = [0]
  while (frontier.length) {
    out.push(frontier.map((nd) => [fr.feature[ns + nd], fr.threshold[ns + nd]]))
    frontier = frontier.flatMap((nd) => [fr.left[ns + nd], fr.right[ns + nd]].filter((c) => c >= 0))
  }
  return out
}

test('hand-checked depth-2 tree: x0 first (score 83.2 vs 64), then x1 shared by both halves; Newton leaves and the bit-index table', () => {
  // rows (x0, x1) → y = 4·x0 + 2·x1; from 0 the gradients are −y, hessians 1, λ = 1
  const x = Float64Array.of(0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1)
  const y = Float64Array.of(0, 2, 0, 2, 4, 6, 4, 6)
  const res = fit(x, 8, 2, y)
  assert.deepEqual(levels(res.forest, 0), [[[0, 0.5]], [[1, 0.5], [1, 0.5]]])
  const tb = obliviousTables(res.forest)
  assert.deepEqual([...tb.feature], [0, 1])
  // cells (x0, x1): (0,0) G 0 → 0; (1,0) G −8 → 8/3; (0,1) G −4 → 4/3; (1,1) G −12 → 4 (H = 2, λ = 1)
  const want = [0, 8 / 3, 4 / 3, 4]
  tb.leafValue.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-12, `leaf ${i}: ${v}`))
  // node gain of the root, L2 form: 16/5 + 400/5 − 576/9
  assert.ok(Math.abs(res.forest.gain[0] - (16 / 5 + 400 / 5 - 576 / 9)) < 1e-12)
})

function randomSet(n: number, f: number, seed: number, nanRate = 0) {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < nanRate ? NaN : rng.normal()
  const y = new Float64Array(n)
  const v = (a: number) => (a === a ? a : -1)
  for (let i = 0; i < n; i++) y[i] = v(x[i * f]) * v(x[i * f + 1]) + Math.sin(3 * v(x[i * f + 2])) + 0.3 * rng.normal()
  return { x, y }
}

test('every level of every tree has one (feature, border) for all its nodes, and every level is complete', () => {
  const { x, y } = randomSet(3000, 6, 4)
  const res = fit(x, 3000, 6, y, { maxDepth: 4, numIterations: 15, learningRate: 0.3 })
  for (let t = 0; t < 15; t++) {
    const lv = levels(res.forest, t)
    assert.equal(lv.length, 4)
    lv.forEach((nodes, d) => {
      assert.equal(nodes.length, 2 ** d)
      for (const nd of nodes) assert.deepEqual(nd, nodes[0])
    })
  }
})

test('bit-index prediction equals walking the node layout exactly, NaN included (nan_mode Min: left)', () => {
  const { x, y } = randomSet(2000, 5, 5, 0.1)
  const res = fit(x, 2000, 5, y, { maxDepth: 5, numIterations: 20, learningRate: 0.3 })
  const test = randomSet(500, 5, 6, 0.1).x
  assert.deepEqual(predictOblivious(obliviousTables(res.forest), res.forest.initScore, test, 500, 5), predictRaw(res.forest, test, 500, 5))
})

test('training loss falls every round; L2 and Cosine scores both learn', () => {
  const { x, y } = randomSet(2000, 5, 7)
  for (const scoreFunction of ['L2', 'Cosine'] as const) {
    const res = fit(x, 2000, 5, y, { maxDepth: 4, numIterations: 30, learningRate: 0.3 }, { scoreFunction })
    for (let i = 1; i < 30; i++) assert.ok(res.trainLoss[i] < res.trainLoss[i - 1], `${scoreFunction} round ${i + 1}`)
    assert.ok(res.trainLoss[29] < 0.5 * res.trainLoss[0], `${scoreFunction}: ${res.trainLoss[0]} → ${res.trainLoss[29]}`)
  }
})

test('randomness: none without noise and bootstrap (seed-free), seeded with them; temperature 0 is no bootstrap', () => {
  const { x, y } = randomSet(1500, 5, 8)
  const p = { maxDepth: 4, numIterations: 8, learningRate: 0.3 }
  const pred = (o: Partial<ObliviousOptions>, seed: number) => predictRaw(fit(x, 1500, 5, y, p, o, undefined, seed).forest, x, 1500, 5)
  assert.deepEqual(pred({}, 1), pred({}, 2))
  assert.deepEqual(pred({ baggingTemperature: 0 }, 1), pred({}, 1))
  for (const o of [{ baggingTemperature: 1 }, { randomStrength: 1 }]) {
    assert.deepEqual(pred(o, 1), pred(o, 1))
    assert.notDeepEqual(pred(o, 1), pred(o, 2))
  }
})

test('a histogram pool too small for the subtraction trick grows the same trees', () => {
  const { x, y } = randomSet(2000, 6, 9)
  const p = { maxDepth: 5, numIterations: 5, learningRate: 0.3 }
  const full = fit(x, 2000, 6, y, p)
  const tight = fit(x, 2000, 6, y, p, {}, 2)
  assert.deepEqual(tight.forest.feature, full.forest.feature)
  assert.deepEqual(tight.forest.threshold, full.forest.threshold)
})

test('constant features: no border separates anything, so no tree is grown', () => {
  const x = new Float64Array(200).fill(1)
  const y = Float64Array.from({ length: 100 }, (_, i) => i % 2)
  const res = fit(x, 100, 2, y)
  assert.equal(res.stopReason, 'no_split')
  assert.equal(res.iterationsRun, 0)
})
