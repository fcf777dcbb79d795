import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { FactoryError } from '../../contracts/errors.ts'
import type { FitData } from '../../contracts/component.ts'
import { createInference, inferenceRegistry } from '../../registry/index.ts'
import { createRng } from '../../data/rng.ts'
import { applyIsotonic, fitIsotonic, poolAdjacentViolators } from './isotonic.ts'
import { applyBeta, fitBeta } from './beta.ts'
import { optimalTemperature, temperatureNll } from './temperature.ts'
import { logit, sigmoid } from './probability.ts'
import './index.ts'

const col = (p: Float64Array) => ({ data: p, shape: [p.length, 1] })

/** p = σ(k·z + b) with labels ~ Bernoulli(σ(z)). */
function world(n: number, seed: number, k = 2.5, b = 0.5): { p: Float64Array; y: Float64Array } {
  const rng = createRng(seed)
  const p = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const z = 1.2 * rng.normal()
    p[i] = sigmoid(k * z + b)
    y[i] = rng.next() < sigmoid(z) ? 1 : 0
  }
  return { p, y }
}

test('every calibrator file that registers itself is imported by calibration/index.ts, with category calibration and p_up → p_up', () => {
  const dir = new URL('./', import.meta.url)
  const index = readFileSync(new URL('index.ts', dir), 'utf8')
  const imported = new Set([...index.matchAll(/import\s+'\.\/([^']+)'/g)].map((m) => m[1]))
  const registering = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && /\bregisterInference\(/.test(readFileSync(new URL(f, dir), 'utf8')))
  assert.deepEqual(registering.sort(), ['beta.ts', 'isotonic.ts', 'platt.ts', 'temperature.ts'])
  for (const f of registering) assert.ok(imported.has(f), `${f} registers itself but index.ts does not import it`)
  for (const name of ['temperature_scaling', 'isotonic', 'platt', 'beta_calibration']) {
    const { spec } = inferenceRegistry.get(name)
    assert.equal(spec.category, 'calibration')
    assert.deepEqual([spec.inputs, spec.outputs, spec.requiresHoldout], [['p_up'], ['p_up'], false])
  }
})

test('PAVA: a hand-worked weighted example, and the result is the non-decreasing weighted least-squares fit', () => {
  // 1, 3, 2 (w 1, 1, 3) → pool 3 and 2: (3 + 6) / 4 = 2.25
  const y = Float64Array.of(1, 3, 2, 4, 0)
  const w = Float64Array.of(1, 1, 3, 1, 1)
  poolAdjacentViolators(y, w)
  // then 4, 0 pool to 2, which violates 2.25: pool (2.25·4 + 2·2) / 6 = 13/6
  assert.deepEqual(Array.from(y), [1, 13 / 6, 13 / 6, 13 / 6, 13 / 6])
  const rng = createRng(3)
  for (let trial = 0; trial < 50; trial++) {
    const n = 2 + rng.int(30)
    const v = Float64Array.from({ length: n }, () => rng.normal())
    const ww = Float64Array.from({ length: n }, () => 0.1 + rng.next())
    const fit = v.slice()
    poolAdjacentViolators(fit, ww.slice())
    for (let i = 1; i < n; i++) assert.ok(fit[i] >= fit[i - 1], 'not non-decreasing')
    // optimality (KKT): for every block, the weighted mean of the data equals the block value
    const sse = (f: Float64Array) => f.reduce((s, fi, i) => s + ww[i] * (fi - v[i]) ** 2, 0)
    // any small monotone-preserving perturbation (shift of a whole level set) does not help
    for (const eps of [1e-4, -1e-4]) {
      const level = fit[rng.int(n)]
      const moved = fit.map((fi) => (fi === level ? fi + eps : fi))
      let mono = true
      for (let i = 1; i < n; i++) if (moved[i] < moved[i - 1]) mono = false
      if (mono) assert.ok(sse(moved) >= sse(fit) - 1e-12, 'shifting a level lowers the weighted error')
    }
  }
})

test('isotonic: monotone map, clipped outside the fitted range, exact at thresholds, zero-weight rows ignored', () => {
  const { p, y } = world(800, 11)
  const m = fitIsotonic(p, y, undefined)
  for (let i = 1; i < m.x.length; i++) assert.ok(m.x[i] > m.x[i - 1] && m.y[i] >= m.y[i - 1])
  const grid = Float64Array.from({ length: 1001 }, (_, i) => i / 1000)
  const out = applyIsotonic(m, grid)
  for (let i = 1; i < out.length; i++) assert.ok(out[i] >= out[i - 1], `decreasing at ${grid[i]}`)
  assert.deepEqual(Array.from(applyIsotonic(m, Float64Array.of(0, m.x[0], 1, m.x[m.x.length - 1]))), [m.y[0], m.y[0], m.y[m.y.length - 1], m.y[m.y.length - 1]])
  assert.deepEqual(Array.from(applyIsotonic(m, m.x)), Array.from(m.y))
  // a row with weight 0 is exactly a row that is absent
  const w = new Float64Array(p.length).fill(1)
  w[7] = 0
  const keep = Array.from({ length: p.length }, (_, i) => i).filter((i) => i !== 7)
  const a = fitIsotonic(p, y, w)
  const b = fitIsotonic(Float64Array.from(keep, (i) => p[i]), Float64Array.from(keep, (i) => y[i]), undefined)
  assert.deepEqual([Array.from(a.x), Array.from(a.y)], [Array.from(b.x), Array.from(b.y)])
})

test('temperature: recovers the planted temperature; stops at a bound (and says so) when the optimum is outside', () => {
  // labels ~ Bernoulli(σ(z)), model logit 3z → the NLL-optimal T is ≈ 3
  const { p, y } = world(20000, 5, 3, 0)
  const z = Float64Array.from(p, logit)
  const r = optimalTemperature(z, y, undefined, 0.01, 100)
  assert.ok(Math.abs(r.t - 3) < 0.15, `T = ${r.t}`)
  // it is the minimiser: NLL is higher a hair either side
  for (const d of [1e-4, -1e-4]) assert.ok(temperatureNll(z, y, undefined, r.t * (1 + d)) > temperatureNll(z, y, undefined, r.t))
  // anti-informative p: the optimum has s = 1/T ≤ 0, so the flattest allowed map
  const flipped = Float64Array.from(y, (v) => 1 - v)
  assert.deepEqual(optimalTemperature(z, flipped, undefined, 0.01, 100), { t: 100, iterations: 0, atBound: 't_max' })
  // perfectly separated labels: T → 0, the sharpest allowed map
  const sep = Float64Array.from(z, (v) => (v > 0 ? 1 : 0))
  assert.equal(optimalTemperature(z, sep, undefined, 0.01, 100).atBound, 't_min')
})

test('temperature_scaling params: t_min ≥ t_max is refused with E_PARAM', async () => {
  const { p, y } = world(100, 1)
  await assert.rejects(createInference('temperature_scaling', { t_min: 5, t_max: 2 }).fit({ x: col(p), y: { label: y } }), (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM')
})

test('beta: identity data keep a ≈ b ≈ 1, c ≈ 0; a negative coefficient that stays negative after the refit falls back to the base rate', () => {
  const rng = createRng(9)
  const n = 40000
  const p = Float64Array.from({ length: n }, () => 0.02 + 0.96 * rng.next())
  const y = Float64Array.from(p, (v) => (rng.next() < v ? 1 : 0))
  const m = fitBeta(p, y, undefined)
  assert.equal(m.kept, 'ab')
  assert.ok(Math.abs(m.a - 1) < 0.1 && Math.abs(m.b - 1) < 0.1 && Math.abs(m.c) < 0.1, JSON.stringify(m))
  // labels that fall as p rises: a < 0 at first, and −ln(1−p) alone also wants a negative slope
  const down = Float64Array.from(p, (v) => (rng.next() < 1 - v ? 1 : 0))
  const d = fitBeta(p, down, undefined)
  assert.equal(d.kept, 'none')
  assert.deepEqual([d.a, d.b], [0, 0])
  const base = down.reduce((s, v) => s + v, 0) / n
  assert.ok(Math.abs(applyBeta(d, Float64Array.of(0.3))[0] - base) < 1e-9, 'intercept-only map is not the base rate')
})

test('beta and platt refuse data without a finite optimum with E_VALIDATION; platt stays finite on separable data (smoothed targets)', async () => {
  const p = Float64Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200)
  const sep = Float64Array.from(p, (v) => (v > 0.5 ? 1 : 0))
  await assert.rejects(createInference('beta_calibration', {}).fit({ x: col(p), y: { label: sep } }), (e: unknown) => e instanceof FactoryError && e.code === 'E_VALIDATION' && /separated/.test(e.message))
  const ones = new Float64Array(200).fill(1)
  await assert.rejects(createInference('beta_calibration', {}).fit({ x: col(p), y: { label: ones } }), (e: unknown) => e instanceof FactoryError && e.code === 'E_VALIDATION')
  const platt = createInference('platt', {})
  await platt.fit({ x: col(p), y: { label: sep } })
  const out = (await platt.predict(col(Float64Array.of(0.25, 0.75)))).p_up!
  assert.ok(out[0] < 0.05 && out[1] > 0.95 && out.every(Number.isFinite), String(out))
})

test('every calibrator: weights change the fit, non-decreasing in p (platt on informative data), and never mutate the inputs', async () => {
  const { p, y } = world(1500, 21)
  const rng = createRng(22)
  const w = Float64Array.from(p, () => 0.1 + 3 * rng.next())
  const grid = Float64Array.from({ length: 201 }, (_, i) => i / 200)
  for (const name of ['temperature_scaling', 'isotonic', 'platt', 'beta_calibration']) {
    const pc = p.slice()
    const yc = y.slice()
    const plain = createInference(name, {})
    await plain.fit({ x: col(pc), y: { label: yc } })
    const weighted = createInference(name, {})
    await weighted.fit({ x: col(pc), y: { label: yc }, weight: w })
    assert.deepEqual([pc, yc], [p, y], `${name} mutated its inputs`)
    const a = (await plain.predict(col(grid))).p_up!
    const b = (await weighted.predict(col(grid))).p_up!
    assert.ok(a.some((v, i) => v !== b[i]), `${name}: weights are ignored`)
    for (let i = 1; i < a.length; i++) assert.ok(a[i] >= a[i - 1], `${name}: map decreases at p = ${grid[i]}`)
  }
})

test('input validation: x width, weights < 0, all-zero weights, missing y.label', async () => {
  const { p, y } = world(50, 2)
  const c = () => createInference('isotonic', {})
  const code = (code: string) => (e: unknown) => e instanceof FactoryError && e.code === code
  const w = new Float64Array(50).fill(1)
  w[4] = -1
  await assert.rejects(c().fit({ x: col(p), y: { label: y }, weight: w }), (e: unknown) => code('E_VALIDATION')(e) && (e as FactoryError).details.row === 4)
  await assert.rejects(c().fit({ x: col(p), y: { label: y }, weight: new Float64Array(50) }), code('E_VALIDATION'))
  await assert.rejects(c().fit({ x: col(p), y: { ret: y } } as FitData), code('E_CONFIG'))
  await assert.rejects(c().fit({ x: { data: new Float64Array(100).fill(0.5), shape: [50, 2] }, y: { label: y }, names: ['a', 'b'] }), (e: unknown) => code('E_SHAPE')(e) && /\(a, b\)/.test((e as Error).message))
})

test('throughput: each calibrator fits and predicts 500,000 OOF rows (figures printed, not asserted)', async () => {
  const { p, y } = world(500_000, 77)
  for (const name of ['temperature_scaling', 'isotonic', 'platt', 'beta_calibration']) {
    const c = createInference(name, {})
    const t0 = performance.now()
    await c.fit({ x: col(p), y: { label: y } })
    const t1 = performance.now()
    await c.predict(col(p))
    const t2 = performance.now()
    console.log(`# ${name}: fit ${(t1 - t0).toFixed(0)} ms (${((p.length / (t1 - t0)) * 1000 / 1e6).toFixed(2)} M rows/s), predict ${(t2 - t1).toFixed(0)} ms (${((p.length / (t2 - t1)) * 1000 / 1e6).toFixed(2)} M rows/s)`)
  }
})
