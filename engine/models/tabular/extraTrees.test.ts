import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../data/rng.ts'
import { createModel } from '../../registry/index.ts'
import './extraTrees.ts'
import './randomForest.ts'

// What is specific to extra_trees; the behaviour it shares with random_forest is in
// randomForest.test.ts, and accuracy against scikit-learn in forest/forest.reference.test.ts.

function data(n: number, seed: number) {
  const rng = createRng(seed)
  const f = 3
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const label = Float64Array.from({ length: n }, (_, i) => (x[i * f] - x[i * f + 1] + 0.7 * rng.normal() > 0 ? 1 : 0))
  return { x: { data: x, shape: [n, f] }, y: { label } }
}

test('without bootstrap, rows with weight 0 are exactly rows that are not there', async () => {
  const d = data(400, 1)
  const keep = Array.from({ length: 400 }, (_, i) => i % 3 !== 0)
  const weight = Float64Array.from(keep, (k, i) => (k ? 1 + (i % 4) : 0))
  const rows = keep.flatMap((k, i) => (k ? [i] : []))
  const sub = {
    x: { data: Float64Array.from(rows.flatMap((i) => [0, 1, 2].map((j) => d.x.data[i * 3 + j]))), shape: [rows.length, 3] },
    y: { label: Float64Array.from(rows, (i) => d.y.label[i]) },
    weight: Float64Array.from(rows, (i) => weight[i]),
  }
  const test = data(200, 2).x
  for (const name of ['extra_trees', 'random_forest']) {
    const a = createModel(name, { n_estimators: 20, bootstrap: false }, { seed: 4 })
    const b = createModel(name, { n_estimators: 20, bootstrap: false }, { seed: 4 })
    await a.fit({ ...d, weight })
    await b.fit(sub)
    assert.deepEqual(await a.predict(test), await b.predict(test), name)
  }
})

test('random thresholds: another seed gives other trees even with every feature tried and no bootstrap', async () => {
  const d = data(300, 3)
  const test = data(100, 4).x
  const fit = async (seed: number) => {
    const m = createModel('extra_trees', { n_estimators: 5, max_features: 'all' }, { seed })
    await m.fit(d)
    return { out: (await m.predict(test)).p_up!, thr: m.save().arrays['p_up.threshold'] }
  }
  const a = await fit(1), b = await fit(2)
  assert.notDeepEqual(a.out, b.out)
  // the root thresholds are draws, not midpoints of neighbouring training values
  const col = (j: number) => Array.from({ length: 300 }, (_, i) => d.x.data[i * 3 + j]).sort((p, q) => p - q)
  const cols = [col(0), col(1), col(2)]
  const midpoints = new Set(cols.flatMap((c) => c.slice(1).map((v, k) => c[k] / 2 + v / 2)))
  assert.ok(!midpoints.has(a.thr[0]), 'root threshold is a midpoint of training values')
})
