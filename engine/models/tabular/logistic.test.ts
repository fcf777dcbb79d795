import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { FactoryError } from '../../contracts/errors.ts'
import type { Component, FitData, Tensor } from '../../contracts/component.ts'
import { createModel, modelRegistry, restoreComponent } from '../../registry/index.ts'
import { createRng } from '../../data/rng.ts'
import { logisticObjective, solveLogistic } from './logistic.ts'
import type { LogisticProblem } from './logistic.ts'
import '../index.ts'

// ---- the scikit-learn fixture (scripts/fixtures/logistic_reference.py) ----

interface RefCase {
  name: string
  seed: number
  n_train: number
  n_test: number
  f: number
  C: number
  class_weight: 'none' | 'balanced'
  y: number[]
  weight: number[] | null
  x_check: { sum: number; first_row: number[]; last: number }
  coef: number[]
  intercept: number
  proba_test: number[]
  auc_test: number
  polished_grad_norm: number
  sklearn: { coef: number[]; intercept: number; proba_test: number[]; auc_test: number; max_coef_diff_to_optimum: number }
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/logistic_reference.json', import.meta.url), 'utf8')) as { cases: RefCase[] }

/** The script's LCG, replayed bit for bit: integer steps, then IEEE sums and one multiply. */
function lcgMatrix(seed: number, n: number, f: number): Float64Array {
  let s = seed >>> 0
  const u = (): number => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0
    return (s + 0.5) / 4294967296
  }
  const out = new Float64Array(n * f)
  for (let i = 0; i < out.length; i++) {
    let a = u()
    a = a + u()
    a = a + u()
    a = a + u()
    out[i] = (a - 2) * Math.sqrt(3)
  }
  return out
}

/** Area under the ROC curve by the rank-sum formula, ties given their average rank. */
function auc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b])
  let rankSumPos = 0
  let nPos = 0
  for (let i = 0; i < idx.length; ) {
    let j = i
    while (j + 1 < idx.length && p[idx[j + 1]] === p[idx[i]]) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) if (y[idx[k]] === 1) (rankSumPos += rank), nPos++
    i = j + 1
  }
  const nNeg = p.length - nPos
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

const coefOf = (m: Component): { coef: Float64Array; intercept: number } => {
  const s = m.save()
  return { coef: s.arrays.coef as Float64Array, intercept: (s.arrays.intercept as Float64Array)[0] }
}

for (const c of fixture.cases) {
  test(`matches scikit-learn on '${c.name}' (f=${c.f}, C=${c.C}, class_weight=${c.class_weight}${c.weight ? ', weighted' : ''})`, async () => {
    const n = c.n_train + c.n_test
    const X = lcgMatrix(c.seed, n, c.f)
    assert.deepEqual(Array.from(X.subarray(0, c.f)), c.x_check.first_row, 'replayed X differs from the script')
    assert.equal(X[n * c.f - 1], c.x_check.last)
    const xTrain: Tensor = { data: X.slice(0, c.n_train * c.f), shape: [c.n_train, c.f] }
    const xTest: Tensor = { data: X.slice(c.n_train * c.f), shape: [c.n_test, c.f] }
    const y = Float64Array.from(c.y)
    const data: FitData = { x: xTrain, y: { label: y.slice(0, c.n_train) }, ...(c.weight ? { weight: Float64Array.from(c.weight.slice(0, c.n_train)) } : {}) }
    const m = createModel('logistic', { c: c.C, class_weight: c.class_weight })
    const rep = await m.fit(data)
    assert.equal(rep.info.solver, c.f > 200 ? 'lbfgs' : 'newton')
    assert.equal(rep.info.converged, true)
    assert.ok((rep.info.grad_norm as number) <= 1e-10, `grad norm ${rep.info.grad_norm}`)

    const { coef, intercept } = coefOf(m)
    // the exact optimum (sklearn's answer polished by Newton, confirmed by sklearn's newton-cholesky)
    assert.ok(maxDiff(coef, c.coef) <= 1e-6 && Math.abs(intercept - c.intercept) <= 1e-6, `coef off by ${maxDiff(coef, c.coef)}`)
    const p = (await m.predict(xTest)).p_up!
    assert.ok(maxDiff(p, c.proba_test) <= 1e-7, `proba off by ${maxDiff(p, c.proba_test)}`)
    const yTest = c.y.slice(c.n_train)
    assert.ok(Math.abs(auc(yTest, p) - c.auc_test) <= 1e-6)
    assert.ok(Math.abs(auc(yTest, c.proba_test) - c.auc_test) <= 1e-12, 'the AUC helper agrees with roc_auc_score')
    // sklearn 1.2's lbfgs stops on ftol: it sits within its recorded distance of the optimum, and so of us
    const slack = c.sklearn.max_coef_diff_to_optimum + 1e-7
    assert.ok(maxDiff(coef, c.sklearn.coef) <= slack && Math.abs(intercept - c.sklearn.intercept) <= slack)
    assert.ok(Math.abs(auc(yTest, p) - c.sklearn.auc_test) <= 1e-3)
  })
}

// ---- the solver ----

function problem(n: number, f: number, seed: number, weighted = false): LogisticProblem {
  const rng = createRng(seed)
  const x = new Float64Array(n * f)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) y[i] = x[i * f] - 0.5 * x[i * f + 1] + rng.normal() > 0 ? 1 : 0
  const s = new Float64Array(n).map(() => (weighted ? 0.2 + rng.next() * 2 : 1) * 0.7)
  return { x, n, f, y, s }
}

test('the objective\'s gradient and Hessian match central finite differences', () => {
  const p = problem(60, 4, 3, true)
  const m = 5
  const th = Float64Array.from([0.3, -0.2, 0.1, 0.5, -0.4])
  const g = new Float64Array(m)
  const H = new Float64Array(m * m)
  logisticObjective(p, th, g, H)
  const h = 1e-5
  for (let j = 0; j < m; j++) {
    const a = th.slice()
    const b = th.slice()
    a[j] += h
    b[j] -= h
    const ga = new Float64Array(m)
    const gb = new Float64Array(m)
    const fd = (logisticObjective(p, a, ga) - logisticObjective(p, b, gb)) / (2 * h)
    assert.ok(Math.abs(fd - g[j]) <= 1e-6 * (1 + Math.abs(g[j])), `grad[${j}] ${g[j]} vs ${fd}`)
    for (let k = 0; k < m; k++) {
      const fdh = (ga[k] - gb[k]) / (2 * h)
      assert.ok(Math.abs(fdh - H[j * m + k]) <= 1e-6 * (1 + Math.abs(fdh)), `H[${j},${k}]`)
    }
  }
})

test('Newton and L-BFGS reach the same optimum, each to a gradient ≤ 1e-8', () => {
  for (const weighted of [false, true]) {
    const p = problem(3000, 12, 9, weighted)
    const a = solveLogistic(p, { solver: 'newton', maxIter: 100, tol: 1e-8 })
    const b = solveLogistic(p, { solver: 'lbfgs', maxIter: 1000, tol: 1e-8 })
    assert.ok(a.converged && b.converged)
    assert.ok(a.gradNorm <= 1e-8 && b.gradNorm <= 1e-8)
    assert.ok(a.iterations <= 12, `newton took ${a.iterations} steps`)
    assert.ok(maxDiff(a.coef, b.coef) <= 1e-7 && Math.abs(a.intercept - b.intercept) <= 1e-7, `differ by ${maxDiff(a.coef, b.coef)}`)
    // an independent evaluation of the gradient at Newton's answer
    const g = new Float64Array(13)
    logisticObjective(p, Float64Array.from([...a.coef, a.intercept]), g)
    assert.ok(Math.max(...g.map(Math.abs)) / p.s.reduce((x, y) => x + y) <= 1e-8)
  }
})

test('separable data: L2 keeps the weights finite and the solver converges', async () => {
  const n = 200
  const x = new Float64Array(n * 2)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[2 * i] = i < n / 2 ? -1 - i / n : 1 + i / n
    x[2 * i + 1] = Math.sin(i)
    y[i] = i < n / 2 ? 0 : 1
  }
  const m = createModel('logistic', { c: 1e6 })
  const rep = await m.fit({ x: { data: x, shape: [n, 2] }, y: { label: y } })
  assert.equal(rep.info.converged, true)
  const { coef } = coefOf(m)
  assert.ok(coef.every(Number.isFinite) && coef[0] > 5)
  const p = (await m.predict({ data: x, shape: [n, 2] })).p_up!
  assert.ok(p.every((v) => v >= 0 && v <= 1))
})

// ---- weights, class weights, the unpenalised intercept ----

function dataset(n: number, f: number, seed: number): { x: Float64Array; y: Float64Array } {
  const p = problem(n, f, seed)
  return { x: p.x as Float64Array, y: p.y }
}

test('weight 0 is exactly "row absent"; integer weights equal duplicated rows', async () => {
  const { x, y } = dataset(400, 5, 4)
  const keep = Array.from({ length: 400 }, (_, i) => i % 3 !== 0)
  const w = Float64Array.from(keep, (k) => (k ? 1 : 0))
  const rows = keep.flatMap((k, i) => (k ? [i] : []))
  const xs = Float64Array.from(rows.flatMap((i) => Array.from(x.subarray(i * 5, i * 5 + 5))))
  const ys = Float64Array.from(rows, (i) => y[i])
  const a = createModel('logistic', {})
  const b = createModel('logistic', {})
  await a.fit({ x: { data: x, shape: [400, 5] }, y: { label: y }, weight: w })
  await b.fit({ x: { data: xs, shape: [rows.length, 5] }, y: { label: ys } })
  assert.deepEqual(coefOf(a), coefOf(b))

  const w2 = Float64Array.from({ length: 400 }, (_, i) => 1 + (i % 2))
  const dup = Array.from({ length: 400 }, (_, i) => (i % 2 ? [i, i] : [i])).flat()
  const c = createModel('logistic', {})
  const d = createModel('logistic', {})
  await c.fit({ x: { data: x, shape: [400, 5] }, y: { label: y }, weight: w2 })
  await d.fit({ x: { data: Float64Array.from(dup.flatMap((i) => Array.from(x.subarray(i * 5, i * 5 + 5)))), shape: [dup.length, 5] }, y: { label: Float64Array.from(dup, (i) => y[i]) } })
  assert.ok(maxDiff(coefOf(c).coef, coefOf(d).coef) <= 1e-9)
})

test('the intercept is not penalised: with c → 0 the weights vanish and p_up is the weighted base rate', async () => {
  const { x, y } = dataset(500, 4, 5)
  const w = Float64Array.from({ length: 500 }, (_, i) => 0.5 + (i % 7) / 3)
  const m = createModel('logistic', { c: 1e-9 })
  await m.fit({ x: { data: x, shape: [500, 4] }, y: { label: y }, weight: w })
  const { coef } = coefOf(m)
  assert.ok(Math.max(...coef.map(Math.abs)) < 1e-6)
  let sw = 0
  let sy = 0
  for (let i = 0; i < 500; i++) (sw += w[i]), (sy += w[i] * y[i])
  const p = (await m.predict({ data: x, shape: [500, 4] })).p_up!
  assert.ok(Math.abs(p[0] - sy / sw) < 1e-6, `${p[0]} vs base rate ${sy / sw}`)
})

test('class_weight balanced solves the balanced score equation: mean p over positives + mean p over negatives = 1', async () => {
  const n = 600
  const { x } = dataset(n, 3, 6)
  const rng = createRng(60)
  const y = Float64Array.from({ length: n }, (_, i) => (x[i * 3] + 0.7 * rng.normal() > 1 ? 1 : 0))
  const data: FitData = { x: { data: x, shape: [n, 3] }, y: { label: y } }
  const stats = async (params: object) => {
    const m = createModel('logistic', params)
    await m.fit(data)
    const p = (await m.predict(data.x)).p_up!
    let pos = 0
    let neg = 0
    let nPos = 0
    for (let i = 0; i < n; i++) y[i] ? ((pos += p[i]), nPos++) : (neg += p[i])
    return { mean: (pos + neg) / n, sumOfClassMeans: pos / nPos + neg / (n - nPos), base: nPos / n }
  }
  // the intercept's zero gradient: Σ s·(p − y) = 0 under each weighting
  const plain = await stats({})
  assert.ok(Math.abs(plain.mean - plain.base) < 1e-9 && plain.base < 0.3)
  const bal = await stats({ class_weight: 'balanced' })
  assert.ok(Math.abs(bal.sumOfClassMeans - 1) < 1e-9, String(bal.sumOfClassMeans))
  assert.ok(Math.abs(plain.sumOfClassMeans - 1) > 0.05 && bal.mean > plain.mean + 0.05)
})

// ---- errors and the saved form ----

async function rejects(p: Promise<unknown>, code: string, re?: RegExp): Promise<FactoryError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => err,
  )
  assert.ok(e instanceof FactoryError, String(e))
  assert.equal(e.code, code, e.message)
  if (re) assert.match(e.message, re)
  return e
}

test('bad targets, weights and params give located errors', async () => {
  const { x, y } = dataset(50, 2, 7)
  const xt: Tensor = { data: x, shape: [50, 2] }
  await rejects(createModel('logistic', {}).fit({ x: xt, y: { ret: y } }), 'E_CONFIG', /y\.label.*got targets: ret/)
  const bad = y.slice()
  bad[17] = 2
  const e = await rejects(createModel('logistic', {}).fit({ x: xt, y: { label: bad } }), 'E_VALIDATION', /is 2 at row 17; it must be 0 or 1/)
  assert.equal(e.details.row, 17)
  const w = new Float64Array(50).fill(1)
  w[3] = -1
  await rejects(createModel('logistic', {}).fit({ x: xt, y: { label: y }, weight: w }), 'E_VALIDATION', /weight is -1 at row 3/)
  await rejects(createModel('logistic', {}).fit({ x: xt, y: { label: new Float64Array(50).fill(1) } }), 'E_VALIDATION', /only class 1/)
  // all the zeros weighted out: still one class
  const wz = Float64Array.from(y, (v) => v)
  await rejects(createModel('logistic', {}).fit({ x: xt, y: { label: y }, weight: wz }), 'E_VALIDATION', /only class 1 among/)
  assert.throws(() => createModel('logistic', { C: 1 }), (err: FactoryError) => err.code === 'E_PARAM' && /unknown parameter 'C'; known: c, max_iter/.test(err.message))
  assert.throws(() => createModel('logistic', { c: 0 }), (err: FactoryError) => err.code === 'E_PARAM' && /params\.c/.test(err.message))
  assert.throws(() => createModel('logistic', { class_weight: 'auto' }), (err: FactoryError) => /valid: none, balanced/.test(err.message))
})

test('max_iter reached: fitted, and the report says not converged', async () => {
  const { x, y } = dataset(300, 4, 8)
  const m = createModel('logistic', { max_iter: 1, solver: 'lbfgs' })
  const rep = await m.fit({ x: { data: x, shape: [300, 4] }, y: { label: y } })
  assert.equal(rep.info.converged, false)
  assert.equal(rep.info.iterations, 1)
  assert.ok(m.fitted)
})

test('save → JSON → restore reproduces predictions bit for bit; a corrupt state is refused', async () => {
  const { x, y } = dataset(300, 4, 10)
  const m = createModel('logistic', { c: 0.5 }, { seed: 3 })
  await m.fit({ x: { data: x, shape: [300, 4] }, y: { label: y }, names: ['a', 'b', 'c', 'd'] })
  const saved = m.save()
  const copy = { ...JSON.parse(JSON.stringify({ ...saved, arrays: {} })), arrays: { coef: (saved.arrays.coef as Float64Array).slice(), intercept: (saved.arrays.intercept as Float64Array).slice() } }
  const r = restoreComponent(copy)
  const xt: Tensor = { data: Float32Array.from(x), shape: [300, 4] }
  assert.deepEqual((await r.predict(xt)).p_up, (await m.predict(xt)).p_up)
  assert.equal(modelRegistry.spec('logistic').inputView, 'feature_matrix')
  assert.throws(() => restoreComponent({ ...copy, arrays: { coef: copy.arrays.coef } }), (e: FactoryError) => e.code === 'E_CONFIG' && /'coef' \(f\) and 'intercept'/.test(e.message))
})
