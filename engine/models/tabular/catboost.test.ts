import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { FitData, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { createModel, modelRegistry, restoreComponent } from '../../registry/index.ts'
import './catboost.ts'
import type { CatBoost } from './catboost.ts'
import { predictRaw } from './gbdt/forest.ts'

function dataset(n: number, f: number, seed: number): FitData & { x: Tensor; y: { label: Float64Array; ret: Float64Array } } {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const label = new Float64Array(n), ret = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = i * f
    const z = x[r] * x[r + 1] + Math.sin(2 * x[r + 2]) + 0.5 * x[r + 3]
    label[i] = z + rng.normal() > 0 ? 1 : 0
    ret[i] = 0.01 * z + 0.01 * rng.normal()
  }
  return { x: { data: x, shape: [n, f] }, y: { label, ret } }
}

const make = (params: Record<string, unknown> = {}, seed = 1) => createModel('catboost', params, { seed, paramPath: 'base_models[0].params' }) as CatBoost

test("CatBoost's parameter names and defaults; every head in the spec", () => {
  assert.deepEqual(modelRegistry.get('catboost').spec.outputs, ['p_up', 'E_r', 'q05', 'q50', 'q95'])
  const p = make().params
  assert.deepEqual(
    [p.iterations, p.learning_rate, p.depth, p.l2_leaf_reg, p.border_count, p.random_strength, p.bootstrap_type, p.bagging_temperature, p.boosting_type, p.score_function],
    [1000, 0.03, 6, 3, 254, 1, 'Bayesian', 1, 'Plain', 'Cosine'],
  )
})

test("boosting_type 'Ordered' is refused (not implemented), naming the path and the valid choice", () => {
  assert.throws(() => make({ boosting_type: 'Ordered' }), (e: FactoryError) => e.code === 'E_PARAM' && /base_models\[0\]\.params\.boosting_type/.test(e.message) && /Plain/.test(e.message))
  assert.throws(() => make({ depth: 17 }), (e: FactoryError) => e.code === 'E_PARAM' && /depth/.test(e.message))
})

test('Logloss starts from 0: with only constant features p_up is exactly 0.5; RMSE starts from the mean', async () => {
  const x = { data: new Float64Array(300).fill(2), shape: [100, 3] }
  const label = Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 1 : 0))
  const ret = Float64Array.from({ length: 100 }, (_, i) => i)
  const m = make({ outputs: 'p_up+E_r', iterations: 5 })
  await m.fit({ x, y: { label, ret } })
  const out = await m.predict(x)
  assert.ok(out.p_up!.every((v) => v === 0.5))
  assert.ok(out.E_r!.every((v) => v === 49.5))
})

test('symmetric trees of exactly `depth` levels; train loss falls; heads sane and quantiles ordered', async () => {
  const d = dataset(3000, 6, 2)
  const m = make({ outputs: 'all', iterations: 40, learning_rate: 0.2, depth: 4 })
  const losses: number[] = []
  await m.fit(d, { onProgress: (p) => p.message === 'p_up' && p.metrics?.train_loss !== undefined && losses.push(p.metrics.train_loss) })
  assert.ok(losses[39] < losses[9] && losses[9] < losses[0])
  const fr = m.forest('p_up')
  for (let t = 0; t < m.numTrees('p_up'); t++) assert.equal(fr.leafStart[t + 1] - fr.leafStart[t], 16)
  const out = await m.predict(d.x)
  // bit-index prediction is the node-walk prediction
  const raw = predictRaw(fr, d.x.data, 3000, 6)
  for (let i = 0; i < 3000; i++) assert.equal(out.p_up![i], 1 / (1 + Math.exp(-raw[i])))
  for (let i = 0; i < 3000; i++) assert.ok(out.q05![i] <= out.q50![i] && out.q50![i] <= out.q95![i])
})

test('seed determinism under Bayesian bootstrap and random_strength; another seed gives another model', async () => {
  const d = dataset(1500, 5, 3)
  const run = async (seed: number, extra: Record<string, unknown> = {}) => {
    const m = make({ iterations: 20, learning_rate: 0.2, ...extra }, seed)
    await m.fit(d)
    return (await m.predict(d.x)).p_up!
  }
  assert.deepEqual(await run(4), await run(4))
  assert.notDeepEqual(await run(4), await run(5))
  assert.deepEqual(await run(4, { bootstrap_type: 'Bernoulli', subsample: 0.7 }), await run(4, { bootstrap_type: 'Bernoulli', subsample: 0.7 }))
  // without bootstrap and noise nothing is random
  assert.deepEqual(await run(4, { bootstrap_type: 'No', random_strength: 0 }), await run(5, { bootstrap_type: 'No', random_strength: 0 }))
})

test('early stopping on FitData.valid keeps the best round', async () => {
  const d = dataset(1500, 5, 4), v = dataset(800, 5, 5)
  const rng = createRng(9)
  const noise = (n: number) => Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0))
  const m = make({ iterations: 500, learning_rate: 0.3, early_stopping_rounds: 10 })
  const rep = await m.fit({ x: d.x, y: { label: noise(1500) }, valid: { x: v.x, y: { label: noise(800) } } })
  const info = rep.info.p_up as { trees: number; iterations_run: number; stop_reason: string }
  assert.equal(info.stop_reason, 'early_stopping')
  assert.equal(info.iterations_run, info.trees + 10)
  assert.equal(m.numTrees(), info.trees)
})

test('save → restore gives bit-identical predictions for every head', async () => {
  const d = dataset(1200, 5, 6)
  const m = make({ outputs: 'all', iterations: 15, depth: 5 })
  await m.fit(d)
  const saved = m.save()
  const copy = { ...JSON.parse(JSON.stringify({ ...saved, arrays: {} })), arrays: Object.fromEntries(Object.entries(saved.arrays).map(([k, a]) => [k, a.slice()])) }
  assert.deepEqual(await restoreComponent(copy).predict(d.x), await m.predict(d.x))
})

test('gain importance puts the informative features ahead of noise', async () => {
  const d = dataset(3000, 8, 7)
  const m = make({ iterations: 60, learning_rate: 0.2 })
  await m.fit(d)
  const imp = m.importance()
  const signal = Math.min(imp[0], imp[1], imp[2], imp[3])
  for (let j = 4; j < 8; j++) assert.ok(imp[j] < signal, `noise feature ${j}: ${imp[j]} vs ${signal}`)
})
