import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../../contracts/errors.ts'
import type { Component, FitData, Outputs, Tensor } from '../../../contracts/component.ts'
import { createRng } from '../../../data/rng.ts'
import type { Rng } from '../../../data/rng.ts'
import { createModel } from '../../../registry/index.ts'
import '../lightgbm.ts'
import '../randomForest.ts'
import '../extraTrees.ts'
import '../logistic.ts'
import '../xgboostNative.ts'
import { xgboostUnavailableReason } from '../xgboostNative/library.ts'
import { forestFromArrays as gbdtFromArrays, predictRaw } from '../gbdt/forest.ts'
import { forestFromArrays, predictForest } from '../forest/forest.ts'
import { addBranch, addLeaf, emptyEnsemble, finishEnsemble, float32AtLeast, float32AtMost } from './ensemble.ts'
import type { TreeEnsemble } from './ensemble.ts'
import { exportOnnx, onnxHeads } from './export.ts'
import { buildOnnxModel } from './model.ts'
import type { OnnxPrecision } from './model.ts'
import { OnnxPredictor, onnxPredict } from './predict.ts'

const TOL = 1e-5
const PRECISIONS: OnnxPrecision[] = ['float64', 'float32']

function trainSet(n: number, f: number, seed: number): FitData & { x: Tensor } {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  // even features on a 1/8 grid: split thresholds are then exact midpoints that float32 inputs can
  // hit, so <= against < is tested; odd features are continuous, so thresholds fall between floats
  for (let i = 0; i < x.length; i++) x[i] = (i % f) % 2 === 0 ? Math.round(rng.normal() * 8) / 8 : rng.normal()
  const label = new Float64Array(n), ret = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = i * f
    const z = x[r] * x[r + 1] + Math.sin(2 * x[r + 2]) + 0.5 * rng.normal()
    label[i] = z > 0 ? 1 : 0
    ret[i] = 0.01 * z + 0.005 * (1 + Math.abs(x[r])) * rng.normal()
  }
  return { x: { data: x, shape: [n, f] }, y: { label, ret } }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
function nextUp32(v: number): number {
  if (v === 0) return 2 ** -149
  f32[0] = v
  u32[0] += v > 0 ? 1 : -1
  return f32[0]
}
function nextDown32(v: number): number {
  return -nextUp32(-v)
}

/**
 * Float32 rows where half the cells sit on or next to a split threshold the model uses on that
 * feature (t rounded every way, and the float32 neighbours of its float32-at-most): the inputs where
 * a careless threshold rounding would send a row the other way.
 */
function adversarialRows(n: number, f: number, thresholds: number[][], rng: Rng): Tensor {
  const x = new Float32Array(n * f)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < f; j++) {
      const ts = thresholds[j]
      if (ts.length && rng.next() < 0.5) {
        const t = ts[rng.int(ts.length)]
        const lo = float32AtMost(t)
        const pick = [t, Math.fround(t), lo, nextUp32(lo), nextDown32(lo), float32AtLeast(t)]
        x[i * f + j] = pick[rng.int(pick.length)]
      } else x[i * f + j] = rng.normal()
    }
  return { data: x, shape: [n, f] }
}

function thresholdsByFeature(e: TreeEnsemble[], f: number): number[][] {
  const out: number[][] = Array.from({ length: f }, () => [])
  for (const en of e) en.nodeLeaf.forEach((leaf, k) => !leaf && Number.isFinite(en.nodeThreshold[k]) && out[en.nodeFeature[k]].push(en.nodeThreshold[k]))
  return out
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Export in both precisions and compare onnxruntime with the engine on 5,000 adversarial rows. */
async function assertParity(model: Component, f: number, heads: string[], seed: number): Promise<void> {
  const saved = model.save()
  const x = adversarialRows(5000, f, thresholdsByFeature(onnxHeads(saved).map((h) => h.ensemble), f), createRng(seed))
  const want = await model.predict(x)
  for (const precision of PRECISIONS) {
    const got = await onnxPredict(exportOnnx(model, { precision }), x)
    assert.deepEqual(Object.keys(got).sort(), [...heads].sort(), `${precision}: one output per head`)
    for (const h of heads) {
      const d = maxAbsDiff(want[h as keyof Outputs]!, got[h as keyof Outputs]!)
      assert.ok(d <= TOL, `${saved.config.name} ${h} ${precision}: max |engine − onnx| = ${d} > ${TOL}`)
    }
  }
}

describe('float32 threshold rounding', () => {
  test('float32AtMost / AtLeast keep v <= t and v < t for every float32 near t, where Math.fround does not', () => {
    const rng = createRng(7)
    const ts = [0.1, -0.1, 1e-50, -1e-50, 0, -0, 1 / 3, 3.4028235677973366e38 * 1.5, -3.4028235677973366e38 * 1.5, 2 ** -149 * 0.6]
    for (let k = 0; k < 2000; k++) ts.push(rng.normal() * 10 ** (rng.int(61) - 30))
    let frounds = 0
    for (const t of ts) {
      const lo = float32AtMost(t), hi = float32AtLeast(t)
      assert.equal(Math.fround(lo), lo)
      assert.equal(Math.fround(hi), hi)
      assert.ok(lo <= t && nextUp32(lo) > t, `AtMost(${t}) = ${lo}`)
      assert.ok(hi >= t && nextDown32(hi) < t, `AtLeast(${t}) = ${hi}`)
      for (const v of [lo, nextUp32(lo), nextDown32(lo), hi, nextUp32(hi), nextDown32(hi), Math.fround(t), Infinity, -Infinity]) {
        assert.equal(v <= lo, v <= t, `v=${v} t=${t}`)
        assert.equal(v < hi, v < t, `v=${v} t=${t}`)
      }
      const r = Math.fround(t)
      if ((r <= r) !== (r <= t)) frounds++
    }
    assert.ok(frounds > 500, `round-to-nearest flips v = fround(t) for about half the thresholds; saw ${frounds}`)
  })

  test('in a one-split model every float32 input next to t takes the engine\'s branch in both precisions; a fround threshold does not', async () => {
    const stump = (t: number): TreeEnsemble => {
      const e = emptyEnsemble('BRANCH_LEQ', 'SUM', 0, 'identity', 3, 2)
      addBranch(e, 0, 0, 0, t, 1, 2, false)
      addLeaf(e, 0, 1, 1)
      addLeaf(e, 0, 2, 2)
      return finishEnsemble(e, 1)
    }
    const t = 0.1
    const v = [Math.fround(t), nextDown32(Math.fround(t)), nextUp32(Math.fround(t)), -Infinity, Infinity, NaN]
    const x: Tensor = { data: Float32Array.from(v), shape: [v.length, 1] }
    const want = v.map((z) => (z <= t ? 1 : 2))
    for (const precision of PRECISIONS) {
      const out = await onnxPredict(buildOnnxModel([{ output: 'E_r', ensemble: stump(t) }], 1, { precision }), x)
      assert.deepEqual(Array.from(out.E_r!), want, precision)
    }
    // control: a threshold rounded to nearest sends fround(0.1) (> 0.1) left
    const naive = await onnxPredict(buildOnnxModel([{ output: 'E_r', ensemble: stump(Math.fround(t)) }], 1, { precision: 'float64' }), x)
    assert.notDeepEqual(Array.from(naive.E_r!), want)
  })
})

describe('parity with the engine on 5,000 float32 rows (max abs diff ≤ 1e-5, both precisions)', () => {
  const F = 6
  const d = trainSet(3000, F, 11)

  test('lightgbm: p_up (sigmoid), E_r, q05/q50/q95 (raw score + init score), one model with five outputs', async () => {
    const m = createModel('lightgbm', { outputs: 'all', n_estimators: 60, num_leaves: 15, min_data_in_leaf: 10 }, { seed: 3 })
    await m.fit(d)
    await assertParity(m, F, ['p_up', 'E_r', 'q05', 'q50', 'q95'], 101)
  })

  test('lightgbm with a single-leaf tree (min_gain_to_split so high that no tree splits)', async () => {
    const m = createModel('lightgbm', { outputs: 'E_r', n_estimators: 3, min_gain_to_split: 1e9 }, { seed: 3 })
    await m.fit(d)
    assert.ok(onnxHeads(m.save())[0].ensemble.nodeLeaf.every((l) => l))
    await assertParity(m, F, ['E_r'], 102)
  })

  for (const name of ['random_forest', 'extra_trees'])
    test(`${name}: p_up and E_r (average of leaf values)`, async () => {
      const m = createModel(name, { outputs: 'p_up+E_r', n_estimators: 40, min_samples_leaf: 2 }, { seed: 5 })
      await m.fit(d)
      await assertParity(m, F, ['p_up', 'E_r'], 103)
    })

  test('xgboost_native: p_up (binary:logistic) and E_r (reg:squarederror) from its UBJ model', { skip: xgboostUnavailableReason() }, async () => {
    const m = createModel('xgboost_native', { outputs: 'p_up+E_r', n_estimators: 60, max_depth: 5, learning_rate: 0.2, nthread: 1 }, { seed: 9 })
    await m.fit(d)
    await assertParity(m, F, ['p_up', 'E_r'], 104)
  })
})

describe('NaN routing matches the engine\'s tree code', () => {
  // components refuse NaN before predicting, so compare with the tree functions they call
  const F = 4
  const d = trainSet(2000, F, 21)
  const rng = createRng(22)
  const x = new Float32Array(3000 * F)
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.3 ? NaN : rng.normal()

  test('lightgbm: the learned default direction', async () => {
    const m = createModel('lightgbm', { outputs: 'E_r', n_estimators: 30 }, { seed: 1 })
    await m.fit(d)
    const saved = m.save()
    const fr = gbdtFromArrays((saved.state as { heads: { initScore: number }[] }).heads[0].initScore, saved.arrays, 'E_r.')
    const onnx = await onnxPredict(exportOnnx(saved), { data: x, shape: [3000, F] })
    assert.ok(maxAbsDiff(predictRaw(fr, x, 3000, F), onnx.E_r!) <= TOL)
  })

  test('random_forest: NaN goes right', async () => {
    const m = createModel('random_forest', { outputs: 'E_r', n_estimators: 10 }, { seed: 1 })
    await m.fit(d)
    const saved = m.save()
    const fr = forestFromArrays(saved.arrays, 'E_r.', F)
    const onnx = await onnxPredict(exportOnnx(saved), { data: x, shape: [3000, F] })
    assert.ok(maxAbsDiff(predictForest(fr, x, 3000, F), onnx.E_r!) <= TOL)
  })
})

describe('errors', () => {
  const d = trainSet(300, 3, 31)

  test('a model without an ONNX converter is refused with the exportable names', async () => {
    const m = createModel('logistic', {}, { seed: 1 })
    await m.fit(d)
    assert.throws(() => exportOnnx(m), (e: FactoryError) => e.code === 'E_UNKNOWN_NAME' && /logistic/.test(e.message) && /lightgbm, random_forest, extra_trees, xgboost_native/.test(e.message))
  })

  test('an unfitted model cannot be exported; an unknown precision names the valid ones', async () => {
    assert.throws(() => exportOnnx(createModel('lightgbm', {}, { seed: 1 })), (e: FactoryError) => e.code === 'E_NOT_FITTED')
    const m = createModel('random_forest', { n_estimators: 2 }, { seed: 1 })
    await m.fit(d)
    assert.throws(() => exportOnnx(m, { precision: 'float16' as OnnxPrecision }), (e: FactoryError) => e.code === 'E_PARAM' && /float64, float32/.test(e.message))
  })

  test('the predictor checks the input width and reports its outputs', async () => {
    const m = createModel('random_forest', { outputs: 'p_up+E_r', n_estimators: 2 }, { seed: 1 })
    await m.fit(d)
    const p = await OnnxPredictor.create(exportOnnx(m))
    try {
      assert.equal(p.numFeatures, 3)
      assert.deepEqual([...p.outputNames], ['p_up', 'E_r'])
      await assert.rejects(p.predict({ data: new Float32Array(8), shape: [2, 4] }), (e: FactoryError) => e.code === 'E_SHAPE' && /\(n, 3\)/.test(e.message))
    } finally {
      await p.release()
    }
    await assert.rejects(onnxPredict(new Uint8Array([1, 2, 3]), d.x), (e: FactoryError) => e.code === 'E_FILE_FORMAT')
  })
})
