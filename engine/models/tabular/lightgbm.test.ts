import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { FitData, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { createModel, modelRegistry, restoreComponent } from '../../registry/index.ts'
import { LightGBM, headsOf } from './lightgbm.ts'

function dataset(n: number, f: number, seed: number): FitData & { x: Tensor } {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const label = new Float64Array(n), ret = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = i * f
    const z = x[r] * x[r + 1] + Math.sin(2 * x[r + 2]) + 0.5 * rng.normal()
    label[i] = z > 0 ? 1 : 0
    ret[i] = 0.01 * z + 0.005 * (1 + Math.abs(x[r])) * rng.normal()
  }
  return { x: { data: x, shape: [n, f] }, y: { label, ret } }
}

const make = (params: Record<string, unknown> = {}, seed = 1) => createModel('lightgbm', params, { seed, paramPath: 'base_models[0].params' }) as LightGBM

async function code(p: Promise<unknown>): Promise<FactoryError> {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof FactoryError, String(e))
    return e
  }
  assert.fail('expected a FactoryError')
}

test('registered with every head in its spec; the instance reports the heads its params select', () => {
  const s = modelRegistry.get('lightgbm').spec
  assert.deepEqual(s.outputs, ['p_up', 'E_r', 'q05', 'q50', 'q95'])
  assert.equal(s.needs.normalization, 'any')
  assert.deepEqual(make().outputs, ['p_up'])
  assert.deepEqual(make({ outputs: 'E_r+quantiles' }).outputs, ['E_r', 'q05', 'q50', 'q95'])
  assert.deepEqual(headsOf('all'), ['p_up', 'E_r', 'q05', 'q50', 'q95'])
})

test('bad params name the YAML path and the valid range', () => {
  assert.throws(() => make({ num_leaves: 1 }), (e: FactoryError) => e.code === 'E_PARAM' && /base_models\[0\]\.params\.num_leaves/.test(e.message))
  assert.throws(() => make({ outputs: 'q10' }), (e: FactoryError) => e.code === 'E_PARAM' && /p_up\+quantiles/.test(e.message))
})

test('all heads: outputs have the right shapes and ranges, and quantiles are ordered on average', async () => {
  const d = dataset(3000, 5, 1)
  const m = make({ outputs: 'all', n_estimators: 40 })
  const rep = await m.fit(d)
  assert.deepEqual(Object.keys(rep.info), ['p_up', 'E_r', 'q05', 'q50', 'q95'])
  const out = await m.predict(d.x)
  assert.deepEqual(Object.keys(out).sort(), ['E_r', 'p_up', 'q05', 'q50', 'q95'])
  for (const v of out.p_up!) assert.ok(v > 0 && v < 1)
  let mlo = 0, mmid = 0, mhi = 0
  for (let i = 0; i < 3000; i++) (mlo += out.q05![i]), (mmid += out.q50![i]), (mhi += out.q95![i])
  assert.ok(mlo < mmid && mmid < mhi)
})

test('a head is the same model whichever other heads are trained beside it', async () => {
  const d = dataset(2000, 4, 2)
  const p = { n_estimators: 15, bagging_fraction: 0.7, bagging_freq: 1, feature_fraction: 0.75 }
  const a = make({ ...p, outputs: 'p_up' })
  const b = make({ ...p, outputs: 'all' })
  await a.fit(d)
  await b.fit(d)
  assert.deepEqual((await a.predict(d.x)).p_up, (await b.predict(d.x)).p_up)
})

test('seed determinism with bagging and feature_fraction; another seed gives another model', async () => {
  const d = dataset(2000, 6, 3)
  const p = { n_estimators: 20, bagging_fraction: 0.5, bagging_freq: 2, feature_fraction: 0.5 }
  const run = async (seed: number) => {
    const m = make(p, seed)
    await m.fit(d)
    return (await m.predict(d.x)).p_up!
  }
  assert.deepEqual(await run(5), await run(5))
  assert.notDeepEqual(await run(5), await run(6))
})

test('early stopping on FitData.valid stops the head and keeps its best iteration', async () => {
  const d = dataset(2000, 4, 4)
  const rng = createRng(1)
  const noise = (n: number) => Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0))
  const v = dataset(1500, 4, 5)
  const m = make({ n_estimators: 400, early_stopping_rounds: 15, learning_rate: 0.2 })
  const epochs: number[] = []
  const rep = await m.fit({ x: d.x, y: { label: noise(2000) }, valid: { x: v.x, y: { label: noise(1500) } } }, { onProgress: (p) => p.epoch && epochs.push(p.epoch) })
  const info = rep.info.p_up as { trees: number; iterations_run: number; stop_reason: string }
  assert.equal(info.stop_reason, 'early_stopping')
  assert.equal(info.iterations_run, info.trees + 15)
  assert.equal(m.numTrees(), info.trees)
  assert.equal(epochs.at(-1), info.iterations_run)
})

test('training without a validation set and early_stopping_rounds > 0 runs every round', async () => {
  const m = make({ n_estimators: 12, early_stopping_rounds: 3 })
  const rep = await m.fit(dataset(500, 3, 6))
  assert.equal((rep.info.p_up as { trees: number }).trees, 12)
})

test('save → restore gives bit-identical predictions for every head; JSON dump describes the trees', async () => {
  const d = dataset(1500, 4, 7)
  const m = make({ outputs: 'p_up+quantiles', n_estimators: 10, num_leaves: 7 })
  await m.fit({ ...d, names: ['a', 'b', 'c', 'd'] })
  const saved = m.save()
  // through a JSON/typed-array round trip as a store or bundle would do it
  const copy = { ...JSON.parse(JSON.stringify({ ...saved, arrays: {} })), arrays: Object.fromEntries(Object.entries(saved.arrays).map(([k, a]) => [k, a.slice()])) }
  const back = restoreComponent(copy)
  assert.deepEqual(await back.predict(d.x), await m.predict(d.x))
  const dump = m.toJSON() as { heads: Record<string, { tree_info: { num_leaves: number }[] }> }
  assert.deepEqual(Object.keys(dump.heads), ['p_up', 'q05', 'q50', 'q95'])
  assert.equal(dump.heads.p_up.tree_info.length, 10)
  for (const t of dump.heads.p_up.tree_info) assert.ok(t.num_leaves <= 7)
})

test('gain importance ranks the informative features first and gives an unused feature zero', async () => {
  const d = dataset(3000, 5, 8)
  // column 4 constant: never split on
  for (let i = 0; i < 3000; i++) d.x.data[i * 5 + 4] = 1
  const m = make({ n_estimators: 30 })
  await m.fit(d)
  const imp = m.importance()
  assert.equal(imp[4], 0)
  assert.ok(imp[0] > imp[3] && imp[1] > imp[3] && imp[2] > imp[3], `importance ${[...imp].map((v) => v.toFixed(1))}`)
})

test('NaN input is rejected by the base class with the row and column', async () => {
  const d = dataset(200, 3, 9)
  d.x.data[7 * 3 + 2] = NaN
  const e = await code(make().fit(d))
  assert.equal(e.code, 'E_NAN_INPUT')
  assert.match(e.message, /row 7, column 2/)
})

test('targets: missing y.ret for E_r and non-0/1 labels are refused with the location', async () => {
  const d = dataset(200, 3, 10)
  const e1 = await code(make({ outputs: 'E_r' }).fit({ x: d.x, y: { label: d.y!.label } }))
  assert.equal(e1.code, 'E_CONFIG')
  assert.match(e1.message, /y\.ret/)
  const bad = d.y!.label.slice()
  bad[3] = 2
  const e2 = await code(make().fit({ x: d.x, y: { label: bad } }))
  assert.match(e2.message, /row 3 has 2/)
  const e3 = await code(make({ early_stopping_rounds: 5 }).fit({ ...d, valid: { x: d.x, y: { ret: d.y!.ret } } }))
  assert.match(e3.message, /valid\.y\.label/)
})

test('sample weights change the model; zero-weighted rows are ignored by the leaf values', async () => {
  const d = dataset(2000, 3, 11)
  const w = Float64Array.from({ length: 2000 }, (_, i) => (i < 1000 ? 1 : 0))
  const full = make({ n_estimators: 5, min_data_in_leaf: 1, min_sum_hessian_in_leaf: 0 })
  await full.fit({ ...d, weight: w })
  const unweighted = make({ n_estimators: 5 })
  await unweighted.fit(d)
  assert.notDeepEqual((await full.predict(d.x)).p_up, (await unweighted.predict(d.x)).p_up)
})

test('cancellation through the AbortSignal stops training', async () => {
  const ac = new AbortController()
  const m = make({ n_estimators: 1000 })
  const e = await code(m.fit(dataset(1000, 3, 12), { signal: ac.signal, onProgress: (p) => p.epoch === 3 && ac.abort() }))
  assert.equal(e.code, 'E_CANCELLED')
  assert.equal(m.fitted, false)
})
