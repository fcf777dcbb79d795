import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRng } from '../../data/rng.ts'
import { LightGBM } from './lightgbm.ts'
import { createModel } from '../../registry/index.ts'
import type { Outputs } from '../../contracts/component.ts'

// Accuracy against scikit-learn's HistGradientBoosting* (a LightGBM-style booster) on fixed data:
// scripts/fixtures/gbdt_reference.py writes the data and sklearn's results.

interface Set {
  x_train: number[]
  y_train: number[]
  x_test: number[]
  y_test: number[]
}
const fx = JSON.parse(readFileSync(new URL('./gbdt/fixtures/gbdt_reference.json', import.meta.url), 'utf8')) as {
  n_train: number
  n_test: number
  f: number
  classification: Set & { sk_proba: number[]; sk_auc: number }
  regression: Set & { sk_rmse: number }
  quantile: Set & { sk_coverage_90: number }
}
const { n_train: nTr, n_test: nTe, f } = fx
const SAME_AS_SKLEARN = { num_leaves: 31, learning_rate: 0.1, n_estimators: 100, min_data_in_leaf: 20, lambda_l2: 0, max_bin: 255 }

function auc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => p[a] - p[b])
  let rankSum = 0, pos = 0
  for (let k = 0; k < idx.length; ) {
    let e = k
    while (e + 1 < idx.length && p[idx[e + 1]] === p[idx[k]]) e++
    const rank = (k + e) / 2 + 1
    for (let q = k; q <= e; q++) if (y[idx[q]] === 1) (rankSum += rank), pos++
    k = e + 1
  }
  const neg = y.length - pos
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg)
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  let ma = 0, mb = 0
  for (let i = 0; i < n; i++) (ma += a[i] / n), (mb += b[i] / n)
  let sab = 0, saa = 0, sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return sab / Math.sqrt(saa * sbb)
}

async function fitPredict(s: Set, params: Record<string, unknown>, target: 'label' | 'ret'): Promise<Outputs> {
  const m = createModel('lightgbm', params, { seed: 1 })
  await m.fit({ x: { data: Float64Array.from(s.x_train), shape: [nTr, f] }, y: { [target]: Float64Array.from(s.y_train) } })
  return m.predict({ data: Float64Array.from(s.x_test), shape: [nTe, f] })
}

test('binary: test AUC within 0.01 of sklearn HistGradientBoostingClassifier, probabilities correlate > 0.97', async () => {
  const c = fx.classification
  const out = await fitPredict(c, { ...SAME_AS_SKLEARN, outputs: 'p_up' }, 'label')
  const ours = auc(c.y_test, out.p_up!)
  const r = corr(out.p_up!, c.sk_proba)
  console.log(`# binary AUC ours ${ours.toFixed(4)} sklearn ${c.sk_auc.toFixed(4)}; corr ${r.toFixed(4)}`)
  assert.ok(Math.abs(ours - c.sk_auc) <= 0.01, `AUC ${ours} vs sklearn ${c.sk_auc}`)
  assert.ok(r > 0.97, `correlation ${r}`)
  assert.ok(ours > 0.8, 'the planted signal is learned at all')
})

test('regression (L2): test RMSE within 3% of sklearn HistGradientBoostingRegressor', async () => {
  const s = fx.regression
  const out = await fitPredict(s, { ...SAME_AS_SKLEARN, outputs: 'E_r' }, 'ret')
  let se = 0
  for (let i = 0; i < nTe; i++) se += (out.E_r![i] - s.y_test[i]) ** 2
  const rmse = Math.sqrt(se / nTe)
  console.log(`# L2 RMSE ours ${rmse.toFixed(4)} sklearn ${s.sk_rmse.toFixed(4)}`)
  assert.ok(Math.abs(rmse / s.sk_rmse - 1) <= 0.03, `RMSE ${rmse} vs sklearn ${s.sk_rmse}`)
})

function coverage(y: ArrayLike<number>, lo: Float64Array, hi: Float64Array): number {
  let c = 0
  for (let i = 0; i < y.length; i++) if (y[i] >= lo[i] && y[i] <= hi[i]) c++
  return c / y.length
}

test('quantile: q05..q95 coverage within 0.03 of sklearn with the same (overfitting) settings', async () => {
  const s = fx.quantile
  const out = await fitPredict(s, { ...SAME_AS_SKLEARN, outputs: 'quantiles' }, 'ret')
  const cov = coverage(s.y_test, out.q05!, out.q95!)
  console.log(`# quantile coverage ours ${cov.toFixed(4)} sklearn ${s.sk_coverage_90.toFixed(4)}`)
  assert.ok(Math.abs(cov - s.sk_coverage_90) <= 0.03, `coverage ${cov} vs sklearn ${s.sk_coverage_90}`)
})

test('quantile: on a heteroscedastic set q05..q95 covers 0.90 ± 0.03 of test rows and q50 sits inside', async () => {
  const rng = createRng(11)
  const make = (n: number) => {
    const x = new Float64Array(n * 3), y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const a = rng.normal(), b = rng.normal(), c = rng.next() * 4 - 2
      x.set([a, b, c], i * 3)
      y[i] = a + Math.sin(c) + (0.2 + Math.abs(b)) * rng.normal()
    }
    return { x, y, n }
  }
  const tr = make(20000), te = make(5000)
  const m = new LightGBM('model', (createModel('lightgbm', {}) as LightGBM).spec, { outputs: 'quantiles', num_leaves: 15, min_data_in_leaf: 100, n_estimators: 200, learning_rate: 0.05 }, { seed: 3 })
  await m.fit({ x: { data: tr.x, shape: [tr.n, 3] }, y: { ret: tr.y } })
  const out = await m.predict({ data: te.x, shape: [te.n, 3] })
  const cov = coverage(te.y, out.q05!, out.q95!)
  console.log(`# heteroscedastic coverage ${cov.toFixed(4)}`)
  assert.ok(Math.abs(cov - 0.9) <= 0.03, `coverage ${cov}`)
  let below = 0, ordered = 0
  for (let i = 0; i < te.n; i++) {
    if (te.y[i] <= out.q50![i]) below++
    if (out.q05![i] <= out.q50![i] && out.q50![i] <= out.q95![i]) ordered++
  }
  assert.ok(Math.abs(below / te.n - 0.5) <= 0.03, `q50 has ${below / te.n} of rows below it`)
  assert.ok(ordered / te.n > 0.97, `q05 <= q50 <= q95 on ${ordered / te.n} of rows`)
  // the band must follow the noise: wider where |b| is large
  let wNarrow = 0, nNarrow = 0, wWide = 0, nWide = 0
  for (let i = 0; i < te.n; i++) {
    const w = out.q95![i] - out.q05![i]
    if (Math.abs(te.x[i * 3 + 1]) < 0.3) (wNarrow += w), nNarrow++
    else if (Math.abs(te.x[i * 3 + 1]) > 1.5) (wWide += w), nWide++
  }
  assert.ok(wWide / nWide > 2 * (wNarrow / nNarrow), 'band width follows the heteroscedastic noise')
})
