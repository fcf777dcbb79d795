import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { FitData, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { rocAuc } from '../../inference/metrics/auc.ts'
import { createModel, modelRegistry, restoreComponent } from '../../registry/index.ts'
import type { ForestModel } from './forest/forestModel.ts'
import './randomForest.ts'
import './extraTrees.ts'

// Component behaviour shared by random_forest and extra_trees (one class, forest/forestModel.ts);
// extraTrees.test.ts has what is specific to extra_trees.

function dataset(n: number, f: number, seed: number): FitData & { x: Tensor } {
  const rng = createRng(seed)
  const x = new Float32Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const label = new Float64Array(n), ret = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = i * f
    const z = x[r] * x[r + 1] + Math.sin(2 * x[r + 2]) + 0.5 * rng.normal()
    label[i] = z > 0 ? 1 : 0
    ret[i] = 0.01 * z
  }
  return { x: { data: x, shape: [n, f] }, y: { label, ret } }
}

const make = (name: string, params: Record<string, unknown> = {}, seed = 1) => createModel(name, params, { seed, paramPath: 'base_models[0].params' }) as ForestModel

async function code(p: Promise<unknown> | (() => unknown)): Promise<FactoryError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    assert.ok(e instanceof FactoryError, String(e))
    return e
  }
  assert.fail('expected a FactoryError')
}

test('both registered with p_up and E_r; params select the heads; bootstrap defaults differ as in scikit-learn', () => {
  for (const name of ['random_forest', 'extra_trees']) {
    const s = modelRegistry.get(name).spec
    assert.deepEqual(s.outputs, ['p_up', 'E_r'])
    assert.equal(s.needs.normalization, 'any')
    assert.equal(s.needs.sampleWeights, true)
    assert.deepEqual(make(name).outputs, ['p_up'])
    assert.deepEqual(make(name, { outputs: 'p_up+E_r' }).outputs, ['p_up', 'E_r'])
    assert.equal(make(name).getConfig().params.n_estimators, 100)
  }
  assert.equal(make('random_forest').getConfig().params.bootstrap, true)
  assert.equal(make('extra_trees').getConfig().params.bootstrap, false)
})

test('bad params name the YAML path and the valid choices', async () => {
  const e1 = await code(() => make('random_forest', { max_features: 'half' }))
  assert.match(e1.message, /base_models\[0\]\.params\.max_features.*sqrt, log2, all, fraction, count/)
  const e2 = await code(() => make('random_forest', { bootstrap: false, max_samples: 0.5 }))
  assert.equal(e2.code, 'E_PARAM')
  assert.equal(e2.details.path, 'base_models[0].params.max_samples')
  const e3 = await code(() => make('extra_trees', { min_samples_split: 1 }))
  assert.match(e3.message, /min_samples_split/)
  const d = dataset(50, 3, 1)
  const e4 = await code(make('random_forest', { max_features: 'count', max_features_count: 4 }).fit(d))
  assert.equal(e4.code, 'E_PARAM')
  assert.match(e4.message, /max_features_count 4 exceeds the 3 input features; valid: 1\.\.3/)
})

test('target errors: labels outside {0,1}, a missing y.ret, negative or all-zero weights (E_CONFIG)', async () => {
  const d = dataset(60, 3, 2)
  const bad = d.y!.label.slice()
  bad[7] = 2
  assert.match((await code(make('random_forest').fit({ ...d, y: { label: bad } }))).message, /y\.label in \{0, 1\}; row 7 has 2/)
  assert.match((await code(make('random_forest', { outputs: 'E_r' }).fit({ ...d, y: { label: d.y!.label } }))).message, /trains on y\.ret.*given: label/)
  const w = new Float64Array(60).fill(1)
  w[3] = -1
  assert.match((await code(make('extra_trees').fit({ ...d, weight: w }))).message, /weights ≥ 0; row 3 has -1/)
  assert.match((await code(make('extra_trees').fit({ ...d, weight: new Float64Array(60) }))).message, /all 0/)
})

for (const name of ['random_forest', 'extra_trees']) {
  test(`${name}: learns the signal (AUC > 0.8 held out), E_r correlates with ret, importance finds the used features`, async () => {
    const tr = dataset(3000, 6, 3), te = dataset(2000, 6, 4)
    const m = make(name, { outputs: 'p_up+E_r', n_estimators: 60 })
    const rep = await m.fit(tr)
    assert.equal((rep.info.p_up as { trees: number }).trees, 60)
    const out = await m.predict(te.x)
    const auc = rocAuc(out.p_up!, te.y!.label).value
    assert.ok(auc > 0.8, `AUC ${auc}`)
    let sxy = 0, sxx = 0, syy = 0
    for (let i = 0; i < 2000; i++) (sxy += out.E_r![i] * te.y!.ret[i]), (sxx += out.E_r![i] ** 2), (syy += te.y!.ret[i] ** 2)
    assert.ok(sxy / Math.sqrt(sxx * syy) > 0.7)
    const imp = m.importance('p_up')
    const noise = Math.max(imp[3], imp[4], imp[5])
    for (const j of [0, 1, 2]) assert.ok(imp[j] > noise, `importance ${Array.from(imp).map((v) => v.toFixed(3))}`)
  })

  test(`${name}: a head is the same model whichever other head is trained beside it; seeds reproduce and differ`, async () => {
    const d = dataset(800, 4, 5)
    // held-out rows: a fully grown extra_trees forest predicts its own training rows exactly
    const te = dataset(300, 4, 55)
    const fit = async (params: Record<string, unknown>, seed: number) => {
      const m = make(name, { n_estimators: 15, ...params }, seed)
      await m.fit(d)
      return m.predict(te.x)
    }
    const a = await fit({ outputs: 'p_up' }, 1)
    const b = await fit({ outputs: 'p_up+E_r' }, 1)
    assert.deepEqual(a.p_up, b.p_up)
    assert.deepEqual((await fit({ outputs: 'E_r' }, 1)).E_r, b.E_r)
    assert.notDeepEqual((await fit({}, 2)).p_up, a.p_up)
  })

  test(`${name}: save → restoreComponent predicts bit-identically; progress reaches 1 once per tree`, async () => {
    const d = dataset(500, 4, 6)
    const m = make(name, { n_estimators: 8, outputs: 'p_up+E_r', max_depth: 6 })
    const seen: number[] = []
    await m.fit(d, { onProgress: (p) => seen.push(p.fraction) })
    assert.equal(seen.length, 17)
    assert.deepEqual(seen.slice(0, 3), [0, 1 / 16, 2 / 16])
    assert.equal(seen.at(-1), 1)
    const back = restoreComponent(m.save())
    assert.deepEqual(await back.predict(d.x), await m.predict(d.x))
  })
}

test('max_depth bounds every root-to-leaf path; min_samples_leaf bounds leaf sizes', async () => {
  const d = dataset(600, 4, 7)
  const m = make('random_forest', { n_estimators: 5, max_depth: 3, min_samples_leaf: 20, bootstrap: false })
  await m.fit(d)
  const a = m.save().arrays
  const feature = a['p_up.feature'] as Int32Array, left = a['p_up.left'] as Int32Array, right = a['p_up.right'] as Int32Array, start = a['p_up.nodeStart'] as Int32Array
  for (let t = 0; t < 5; t++) {
    const stack = [[0, 0]]
    while (stack.length) {
      const [k, depth] = stack.pop()!
      assert.ok(depth <= 3)
      if (feature[start[t] + k] >= 0) stack.push([left[start[t] + k], depth + 1], [right[start[t] + k], depth + 1])
    }
  }
  // with bootstrap off every leaf holds ≥ 20 training rows: count rows per leaf value path via predict
  const x = d.x.data, n = 600, f = 4
  for (let t = 0; t < 5; t++) {
    const counts = new Map<number, number>()
    for (let i = 0; i < n; i++) {
      let k = 0
      while (feature[start[t] + k] >= 0) k = x[i * f + feature[start[t] + k]] <= (a['p_up.threshold'] as Float64Array)[start[t] + k] ? left[start[t] + k] : right[start[t] + k]
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
    for (const c of counts.values()) assert.ok(c >= 20, `leaf with ${c} rows`)
  }
})
