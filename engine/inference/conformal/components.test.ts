import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { Component, FitData, Outputs, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { createInference, findInference, inferenceRegistry, restoreComponent } from '../../registry/index.ts'
import { kthSmallest, lowerRank, upperRank } from './quantile.ts'
import './index.ts'

const METHODS = ['split_conformal', 'cqr', 'cv_plus', 'jackknife_plus', 'aci'] as const

async function rejects(call: () => unknown, code: string, re?: RegExp): Promise<FactoryError> {
  let err: unknown
  try {
    await call()
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof FactoryError, `expected FactoryError ${code}, got ${err === undefined ? 'success' : String(err)}`)
  assert.equal(err.code, code, err.message)
  if (re) assert.match(err.message, re)
  return err
}

const t2 = (rows: number[][]): Tensor => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0].length] })

/** A small valid fit/predict pair per method (n = 12 calibration rows, 6 test rows). */
function dataFor(method: (typeof METHODS)[number], seed = 1): { fit: FitData; test: Tensor } {
  const rng = createRng(seed)
  const n = 12
  const m = 6
  const y = Float64Array.from({ length: n }, () => rng.normal())
  const col = (rows: number, w: number) => ({ data: Float64Array.from({ length: rows * w }, () => rng.normal()), shape: [rows, w] })
  switch (method) {
    case 'split_conformal':
      return { fit: { x: col(n, 1), y: { ret: y } }, test: col(m, 1) }
    case 'cqr': {
      const band = (rows: number) => t2(Array.from({ length: rows }, () => [-1 + 0.1 * rng.normal(), 1 + 0.1 * rng.normal()]))
      return { fit: { x: band(n), y: { ret: y } }, test: band(m) }
    }
    case 'cv_plus':
      return { fit: { x: col(n, 3), y: { ret: y, fold: Float64Array.from({ length: n }, (_, i) => i % 3) } }, test: col(m, 3) }
    case 'jackknife_plus':
      return { fit: { x: col(n, n), y: { ret: y } }, test: col(m, n) }
    case 'aci':
      return { fit: { x: col(n, 2) }, test: col(40, 2) }
  }
}

const build = (method: string, params: object = {}): Component => createInference(method, params, { seed: 3 })

// ---- the shared quantile ----

test('quantile: kthSmallest equals sorting, with ties, for every k, and ±∞ outside 1..n', () => {
  const rng = createRng(9)
  for (const n of [1, 2, 3, 7, 50, 301]) {
    const a = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 3) / 2 + 0) // many ties (+ 0 turns −0 into 0)
    const sorted = a.slice().sort()
    for (let k = 1; k <= n; k++) assert.equal(kthSmallest(a.slice(), k), sorted[k - 1], `n=${n}, k=${k}`)
    assert.equal(kthSmallest(a.slice(), 0), -Infinity)
    assert.equal(kthSmallest(a.slice(), n + 1), Infinity)
  }
})

test('quantile: ranks absorb binary representation error and no more', () => {
  assert.equal(upperRank(9, 0.9), 9) // 10 × 0.9
  assert.equal(upperRank(5, 0.9), 6) // > n: unbounded
  assert.equal(upperRank(199, 0.9), 180)
  assert.equal(upperRank(200, 0.9), 181)
  assert.equal(lowerRank(19, 0.9), 2) // 20 × (1 − 0.9) = 1.9999999999999996 in binary
  assert.equal(lowerRank(9, 0.9), 1) // 10 × (1 − 0.9) = 0.9999999999999998
  assert.equal(lowerRank(8, 0.9), 0) // 0.9: no lower bound
  assert.equal(upperRank(1, 0.5), 1)
})

// ---- registration and hand-computed values ----

test('registry: every method is a conformal inference plug-in producing q05, q95, uncertainty', () => {
  for (const name of METHODS) {
    const spec = inferenceRegistry.spec(name)
    assert.equal(spec.category, 'conformal')
    assert.deepEqual([...spec.outputs], ['q05', 'q95', 'uncertainty'])
    assert.equal(spec.defaults.coverage.default, 0.9)
  }
  const withQuantiles = findInference({ category: 'conformal', available: ['q05', 'q95'] }).map((s) => s.name)
  assert.deepEqual(withQuantiles, ['cqr'])
})

test('split_conformal: hand-computed — scores 1..9, n = 9: q = 9 at 0.9, 8 at 0.8, +∞ at 0.95', async () => {
  const fit: FitData = { x: { data: new Float64Array(9), shape: [9, 1] }, y: { ret: Float64Array.from([5, -1, 9, 3, -7, 2, 8, -6, 4]) } }
  for (const [coverage, q] of [[0.9, 9], [0.8, 8], [0.95, Infinity]] as const) {
    const c = build('split_conformal', { coverage })
    const report = await c.fit(fit)
    const out = await c.predict(t2([[1], [-2]]))
    assert.deepEqual([...out.q05!], [1 - q, -2 - q], `coverage ${coverage}`)
    assert.deepEqual([...out.q95!], [1 + q, -2 + q])
    assert.deepEqual([...out.uncertainty!], [2 * q, 2 * q])
    assert.equal(report.info.unbounded, q === Infinity)
  }
})

test('cqr: hand-computed — negative correction narrows the band; a crossed band has width 0', async () => {
  // band [−2, 2] around outcomes −1..1 (scores −1 … −3): Q is negative
  const ys = [0, 1, -1, 0.5]
  const c = build('cqr', { coverage: 0.6 })
  await c.fit({ x: t2(ys.map(() => [-2, 2])), y: { ret: Float64Array.from(ys) } })
  // scores: max(−2 − y, y − 2) = −2, −1, −1, −1.5 → sorted −2, −1.5, −1, −1; rank ⌈5 × 0.6⌉ = 3 → Q = −1
  const out = await c.predict(t2([[-3, 3], [-0.5, 0.5]]))
  assert.deepEqual([...out.q05!], [-2, 0.5])
  assert.deepEqual([...out.q95!], [2, -0.5])
  assert.deepEqual([...out.uncertainty!], [4, 0])
})

test('cv_plus: hand-computed — K = 2, n = 3', async () => {
  // rows: OOF predictions x[i, fold(i)] = 0, 0, 1; outcomes 1, −2, 1 → residuals 1, 2, 0
  const c = build('cv_plus', { coverage: 0.5 })
  await c.fit({ x: t2([[0, 99], [77, 0], [1, 55]]), y: { ret: Float64Array.from([1, -2, 1]), fold: Float64Array.from([0, 1, 0]) } })
  // test point: model 0 says 10, model 1 says 20 → centres 10, 20, 10
  // lower: ⌊0.5 × 4⌋ = 2nd smallest of {9, 18, 10} = 10; upper: ⌈0.5 × 4⌉ = 2nd smallest of {11, 22, 10} = 11
  const out = await c.predict(t2([[10, 20]]))
  assert.deepEqual([out.q05![0], out.q95![0]], [10, 11])
})

test('cv_plus: fit reads only the out-of-fold entry of each row', async () => {
  const { fit, test: te } = dataFor('cv_plus')
  const a = build('cv_plus')
  await a.fit(fit)
  const other = fit.x.data.slice()
  const fold = fit.y!.fold
  for (let i = 0; i < 12; i++) for (let k = 0; k < 3; k++) if (k !== fold[i]) other[i * 3 + k] = 1e6 + i
  const b = build('cv_plus')
  await b.fit({ ...fit, x: { data: other, shape: fit.x.shape } })
  assert.deepEqual(await b.predict(te), await a.predict(te))
})

test('jackknife_plus equals cv_plus with K = n and fold(i) = i', async () => {
  const { fit, test: te } = dataFor('jackknife_plus')
  const j = build('jackknife_plus')
  await j.fit(fit)
  const c = build('cv_plus')
  await c.fit({ ...fit, y: { ...fit.y, fold: Float64Array.from({ length: 12 }, (_, i) => i) } })
  assert.deepEqual(await j.predict(te), await c.predict(te))
})

// ---- ACI: causality and delay ----

test('aci: the interval at row t depends only on rows ≤ t, and on outcomes of rows ≤ t − delay', async () => {
  for (const delay of [1, 4]) {
    const { fit, test: te } = dataFor('aci', 5)
    const c = build('aci', { gamma: 0.1, delay, window: 15 })
    await c.fit(fit)
    const base = await c.predict(te)
    const t = 25
    // change every row after t: nothing at or before t moves
    const later = te.data.slice()
    for (let i = (t + 1) * 2; i < later.length; i++) later[i] += 3
    const a = await c.predict({ data: later, shape: te.shape })
    for (const o of ['q05', 'q95', 'uncertainty'] as const) assert.deepEqual([...a[o]!.subarray(0, t + 1)], [...base[o]!.subarray(0, t + 1)], `${o}, delay ${delay}`)
    // change the outcomes (column 1) of rows t − delay + 1 … t: still nothing moves at t
    const recent = te.data.slice()
    for (let i = t - delay + 1; i <= t; i++) recent[i * 2 + 1] += 50
    const b = await c.predict({ data: recent, shape: te.shape })
    assert.equal(b.q05![t], base.q05![t], `delay ${delay}: q05 at t used an outcome not yet known`)
    assert.equal(b.q95![t], base.q95![t])
    // …whereas the outcome of row t − delay does reach row t (it enters the pool and α_t)
    const known = te.data.slice()
    known[(t - delay) * 2 + 1] += 50
    const k = await c.predict({ data: known, shape: te.shape })
    assert.notEqual(k.q95![t], base.q95![t], `delay ${delay}: the outcome of row t − delay should matter at t`)
  }
})

test('aci: γ = 0 with no window is split conformal on a pool that grows by one score per row', async () => {
  const { fit, test: te } = dataFor('aci', 6)
  const c = build('aci', { gamma: 0 })
  await c.fit(fit)
  const out = await c.predict(te)
  // row t's interval = split conformal fitted on the 12 calibration rows plus stream rows < t
  const rows = Float64Array.from([...fit.x.data, ...te.data])
  for (const t of [0, 1, 17, 39]) {
    const m = 12 + t
    const s = build('split_conformal')
    await s.fit({ x: { data: rows.filter((_, i) => i < 2 * m && i % 2 === 0), shape: [m, 1] }, y: { ret: rows.filter((_, i) => i < 2 * m && i % 2 === 1) } })
    const row = await s.predict({ data: te.data.slice(2 * t, 2 * t + 1), shape: [1, 1] })
    assert.equal(out.q05![t], row.q05![0], `row ${t}`)
    assert.equal(out.q95![t], row.q95![0], `row ${t}`)
  }
})

// ---- the base-class guarantees, checked for every method ----

for (const method of METHODS) {
  test(`${method}: shapes, determinism, save → restore gives identical predictions (∞ included)`, async () => {
    const { fit, test: te } = dataFor(method)
    const c = build(method)
    await c.fit(fit)
    const out: Outputs = await c.predict(te)
    for (const o of ['q05', 'q95', 'uncertainty'] as const) assert.equal(out[o]!.length, te.shape[0], o)
    for (let i = 0; i < te.shape[0]; i++) assert.ok(out.uncertainty![i] >= 0, `uncertainty[${i}] = ${out.uncertainty![i]}`)
    assert.deepEqual(await c.predict(te), out, 'predict is pure')
    const saved = structuredClone(c.save())
    const r = restoreComponent(saved)
    assert.deepEqual(await r.predict(te), out)
    // a coverage too high for 12 rows makes a side unbounded; that survives save/load too
    const wide = build(method, { coverage: 0.95 })
    await wide.fit(fit)
    const wOut = await wide.predict(te)
    assert.ok(wOut.q95!.some((v) => v === Infinity), 'coverage 0.95 on 12 rows is unbounded above')
    assert.deepEqual(await restoreComponent(structuredClone(wide.save())).predict(te), wOut)
  })

  test(`${method}: NaN in x or in the outcome is rejected naming the row`, async () => {
    const { fit, test: te } = dataFor(method)
    const bad = fit.x.data.slice()
    bad[fit.x.shape[1] * 4] = NaN
    await rejects(() => build(method).fit({ ...fit, x: { data: bad, shape: fit.x.shape } }), 'E_NAN_INPUT', /row 4/)
    if (fit.y?.ret) {
      const ret = fit.y.ret.slice()
      ret[7] = Infinity
      await rejects(() => build(method).fit({ ...fit, y: { ...fit.y, ret } }), 'E_NAN_INPUT', /y\.ret.*row 7/)
    }
    const c = build(method)
    await c.fit(fit)
    const badTest = te.data.slice()
    badTest[te.shape[1] * 2] = NaN
    await rejects(() => c.predict({ data: badTest, shape: te.shape }), 'E_NAN_INPUT', /row 2/)
    await rejects(() => c.predict({ data: new Float64Array(2 * (te.shape[1] + 1)), shape: [2, te.shape[1] + 1] }), 'E_SHAPE')
  })

  test(`${method}: coverage outside (0, 1) is a parameter error`, async () => {
    await rejects(() => build(method, { coverage: 1 }), 'E_PARAM', /coverage/)
  })
}

// ---- layout errors name what was expected ----

test('layout errors: width, names, targets and fold ids', async () => {
  const y = { ret: new Float64Array(4) }
  await rejects(() => build('split_conformal').fit({ x: t2([[1, 2], [3, 4], [5, 6], [7, 8]]), y }), 'E_SHAPE', /\(n, 1\)/)
  await rejects(() => build('split_conformal').fit({ x: t2([[1], [2], [3], [4]]) }), 'E_CONFIG', /y\.ret/)
  await rejects(() => build('cqr').fit({ x: t2([[1], [2], [3], [4]]), y }), 'E_SHAPE', /\[q05, q95\]/)
  await rejects(() => build('cqr').fit({ x: t2([[1, 2], [1, 2], [1, 2], [1, 2]]), y, names: ['q95', 'q05'] }), 'E_SHAPE', /\[q05, q95\] in this order/)
  await rejects(() => build('jackknife_plus').fit({ x: t2([[1, 2], [1, 2], [1, 2], [1, 2]]), y }), 'E_SHAPE', /\(n, n\)/)
  const x3 = t2([[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]])
  await rejects(() => build('cv_plus').fit({ x: x3, y }), 'E_CONFIG', /y\.fold/)
  await rejects(() => build('cv_plus').fit({ x: x3, y: { ...y, fold: Float64Array.from([0, 1, 3, 2]) } }), 'E_VALIDATION', /y\.fold is 3 at row 2.*0 … 2/)
  await rejects(() => build('cv_plus').fit({ x: x3, y: { ...y, fold: Float64Array.from([0, 1, 0.5, 2]) } }), 'E_VALIDATION', /y\.fold is 0\.5 at row 2/)
  await rejects(() => build('cv_plus').fit({ x: x3, y: { ...y, fold: Float64Array.from([0, 1, 0, 1]) } }), 'E_VALIDATION', /never names fold\(s\) 2/)
  await rejects(() => build('aci', { base: 'cqr' }).fit({ x: t2([[1, 2], [3, 4]]) }), 'E_SHAPE', /\[q05, q95, ret\]/)
  await rejects(() => build('aci').fit({ x: t2([[1, 2], [3, 4]]), names: ['ret', 'E_r'] }), 'E_SHAPE', /\[E_r, ret\]/)
  await rejects(() => build('aci', { delay: 0 }), 'E_PARAM', /delay/)
  await rejects(() => build('aci', { base: 'full' }), 'E_PARAM', /split, cqr/)
})

test('save/load: a corrupt state names the array it needs', async () => {
  const { fit } = dataFor('cv_plus')
  const c = build('cv_plus')
  await c.fit(fit)
  const saved = c.save()
  assert.throws(() => restoreComponent({ ...saved, arrays: { residual: saved.arrays.residual } }), (e: FactoryError) => e.code === 'E_CONFIG' && /'fold'/.test(e.message))
  const s = build('split_conformal')
  await s.fit(dataFor('split_conformal').fit)
  assert.throws(() => restoreComponent({ ...s.save(), arrays: {} }), (e: FactoryError) => e.code === 'E_CONFIG' && /'q' of length 1/.test(e.message))
})
