import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fitRidge } from './ridge.ts'
import { fitLogisticL2 } from './logistic.ts'
import { fitElasticNet, fitLogisticElasticNet } from './elasticNet.ts'
import type { LinearFit } from './linalg.ts'

// scikit-learn 1.2 reference (scripts/fixtures/ensemble_reference.py): the meta-learners must be
// the same estimators a researcher would reach for in Python, to 1e-6 in every coefficient.

interface Case {
  kind: 'ridge' | 'logistic' | 'elastic_net' | 'logistic_en'
  name: string
  n: number
  f: number
  x: number[]
  y: number[]
  weight: number[] | null
  params: { alpha?: number; c?: number; l1_ratio?: number }
  coef: number[]
  intercept: number
  objective?: number
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/ensemble_reference.json', import.meta.url), 'utf8')) as { cases: Case[] }

function fit(c: Case): LinearFit {
  const x = Float64Array.from(c.x)
  const y = Float64Array.from(c.y)
  const weight = c.weight ? Float64Array.from(c.weight) : undefined
  switch (c.kind) {
    case 'ridge':
      return fitRidge(x, c.n, c.f, y, c.params.alpha!, weight)
    case 'logistic':
      return fitLogisticL2(x, c.n, c.f, y, c.params.c!, weight ? { weight } : {})
    case 'elastic_net':
      return fitElasticNet(x, c.n, c.f, y, { alpha: c.params.alpha!, l1Ratio: c.params.l1_ratio!, ...(weight ? { weight } : {}) })
    case 'logistic_en':
      return fitLogisticElasticNet(x, c.n, c.f, y, { alpha: c.params.alpha!, l1Ratio: c.params.l1_ratio! })
  }
}

function enLogisticObjective(c: Case, coef: ArrayLike<number>, b: number): number {
  const { alpha, l1_ratio: l1 } = c.params as { alpha: number; l1_ratio: number }
  let loss = 0
  for (let i = 0; i < c.n; i++) {
    let z = b
    for (let j = 0; j < c.f; j++) z += c.x[i * c.f + j] * coef[j]
    loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - c.y[i] * z
  }
  let a1 = 0
  let a2 = 0
  for (let j = 0; j < c.f; j++) {
    a1 += Math.abs(coef[j])
    a2 += coef[j] * coef[j]
  }
  return loss / c.n + alpha * l1 * a1 + 0.5 * alpha * (1 - l1) * a2
}

test('the fixture holds every meta-learner kind', () => {
  const kinds = new Set(fixture.cases.map((c) => c.kind))
  assert.deepEqual([...kinds].sort(), ['elastic_net', 'logistic', 'logistic_en', 'ridge'])
})

for (const c of fixture.cases.filter((k) => k.kind !== 'logistic_en')) {
  test(`${c.name}: coefficients and intercept within 1e-6 of scikit-learn`, () => {
    const r = fit(c)
    assert.ok(r.converged, `${c.name} did not converge`)
    for (let j = 0; j < c.f; j++) assert.ok(Math.abs(r.coef[j] - c.coef[j]) <= 1e-6, `coef[${j}] ${r.coef[j]} vs sklearn ${c.coef[j]}`)
    assert.ok(Math.abs(r.intercept - c.intercept) <= 1e-6, `intercept ${r.intercept} vs sklearn ${c.intercept}`)
  })
}

for (const c of fixture.cases.filter((k) => k.kind === 'logistic_en')) {
  test(`${c.name}: objective no worse than scikit-learn's saga and coefficients within 1e-6; same zero pattern`, () => {
    const r = fit(c)
    assert.ok(r.converged, `${c.name} did not converge (${r.iterations} iterations)`)
    const mine = enLogisticObjective(c, r.coef, r.intercept)
    assert.ok(mine <= c.objective! + 1e-12, `objective ${mine} above sklearn's ${c.objective}`)
    for (let j = 0; j < c.f; j++) {
      assert.ok(Math.abs(r.coef[j] - c.coef[j]) <= 1e-6, `coef[${j}] ${r.coef[j]} vs sklearn ${c.coef[j]}`)
      assert.equal(r.coef[j] === 0, Math.abs(c.coef[j]) < 1e-8, `coef[${j}] zero pattern differs: ${r.coef[j]} vs ${c.coef[j]}`)
    }
    assert.ok(Math.abs(r.intercept - c.intercept) <= 1e-6)
  })
}

test('logistic elastic net with l1_ratio 0 equals the L2 logistic fit at C = 1/(alpha·n)', () => {
  const c = fixture.cases.find((k) => k.kind === 'logistic')!
  const x = Float64Array.from(c.x)
  const y = Float64Array.from(c.y)
  const alpha = 0.03
  const en = fitLogisticElasticNet(x, c.n, c.f, y, { alpha, l1Ratio: 0 })
  const l2 = fitLogisticL2(x, c.n, c.f, y, 1 / (alpha * c.n))
  for (let j = 0; j < c.f; j++) assert.ok(Math.abs(en.coef[j] - l2.coef[j]) < 1e-8, `coef[${j}] ${en.coef[j]} vs ${l2.coef[j]}`)
  assert.ok(Math.abs(en.intercept - l2.intercept) < 1e-8)
})

test('elastic net: a large alpha zeroes every coefficient and leaves the (weighted) mean as intercept', () => {
  const c = fixture.cases.find((k) => k.kind === 'elastic_net' && k.weight)!
  const w = Float64Array.from(c.weight!)
  const r = fitElasticNet(Float64Array.from(c.x), c.n, c.f, Float64Array.from(c.y), { alpha: 1e3, l1Ratio: 0.5, weight: w })
  assert.ok(r.coef.every((v) => v === 0))
  let sy = 0
  let sw = 0
  for (let i = 0; i < c.n; i++) {
    sy += w[i] * c.y[i]
    sw += w[i]
  }
  assert.ok(Math.abs(r.intercept - sy / sw) < 1e-12)
})

test('ridge: alpha 0 on a constant column is refused with a message naming alpha; weight 0 rows are absent rows', () => {
  const n = 20
  const x = new Float64Array(n * 2)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i * 2] = i
    x[i * 2 + 1] = 3
    y[i] = 2 * i + 1
  }
  assert.throws(() => fitRidge(x, n, 2, y, 0), (e: Error & { code?: string }) => e.code === 'E_VALIDATION' && /alpha > 0/.test(e.message))
  const w = Float64Array.from({ length: n }, (_, i) => (i < 10 ? 1 : 0))
  const yy = y.slice()
  for (let i = 10; i < n; i++) yy[i] = 1e6
  const a = fitRidge(x.subarray(0, 20), 10, 2, y.subarray(0, 10), 0.5)
  const b = fitRidge(x, n, 2, yy, 0.5, w)
  assert.ok(Math.abs(a.coef[0] - b.coef[0]) < 1e-12 && Math.abs(a.intercept - b.intercept) < 1e-10)
})
