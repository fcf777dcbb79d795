import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Component, FitData } from '../../contracts/component.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import { createInference } from '../../registry/index.ts'
import { fitIsotonic } from './isotonic.ts'
import { fitBeta } from './beta.ts'
import { optimalTemperature } from './temperature.ts'
import { PROB_EPS, logit } from './probability.ts'
import './index.ts'

// Fixture: scripts/fixtures/calibration_reference.py (scikit-learn 1.2.1, scipy 1.10.1).

interface Pred { pred: number[] }
interface RefCase {
  name: string
  p: number[]
  y: number[]
  w: number[] | null
  p_test: number[]
  isotonic: { x: number[]; y: number[]; pred: number[] }
  platt_logit: { sklearn: Pred & { a: number; b: number }; optimum: Pred & { a: number; b: number } }
  platt_probability: { sklearn: Pred & { a: number; b: number }; optimum: Pred & { a: number; b: number } }
  beta: { kept: 'ab' | 'a' | 'b'; sklearn: Pred & { a: number; b: number; c: number }; optimum: Pred & { a: number; b: number; c: number } }
  temperature: { minimize_scalar: Pred & { t: number }; optimum: Pred & { t: number } }
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/calibration_reference.json', import.meta.url), 'utf8')) as { eps: number; t_bounds: [number, number]; cases: RefCase[] }

const f64 = (a: readonly number[]) => Float64Array.from(a)
const col = (a: readonly number[]) => ({ data: f64(a), shape: [a.length, 1] })
const fitData = (c: RefCase): FitData => ({ x: col(c.p), y: { label: f64(c.y) }, ...(c.w ? { weight: f64(c.w) } : {}), names: ['p_up'] })

/** max |a − b| with the row where it happens, for messages. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { d: number; at: number } {
  assert.equal(a.length, b.length)
  let d = 0
  let at = -1
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i])
    if (!(e <= d)) (d = e), (at = i)
  }
  return { d, at }
}

function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  const { d, at } = maxDiff(got, want)
  assert.ok(d <= tol, `${what}: max |Δ| = ${d.toExponential(3)} > ${tol} at row ${at} (${got[at]} vs ${want[at]})`)
}

async function calibrated(name: string, c: RefCase, params: Record<string, unknown> = {}): Promise<{ comp: Component<InferenceSpec>; pred: Float64Array; info: Record<string, unknown> }> {
  const comp = createInference(name, params)
  const { info } = await comp.fit(fitData(c))
  const pred = (await comp.predict(col(c.p_test))).p_up!
  return { comp, pred, info }
}

test('the fixture uses the same clipping eps as the TS (2^-52)', () => {
  assert.equal(fixture.eps, PROB_EPS)
  assert.equal(logit(0), Math.log(PROB_EPS / (1 - PROB_EPS)))
  assert.equal(fixture.cases.length, 5)
})

for (const c of fixture.cases) {
  test(`[${c.name}] isotonic: thresholds equal sklearn's IsotonicRegression bit for bit; predictions within 1e-12`, async () => {
    const m = fitIsotonic(f64(c.p), f64(c.y), c.w ? f64(c.w) : undefined)
    assert.deepEqual(Array.from(m.x), c.isotonic.x, 'X_thresholds_')
    close('y_thresholds_', m.y, c.isotonic.y, 1e-15)
    const { pred } = await calibrated('isotonic', c)
    close('isotonic predictions', pred, c.isotonic.pred, 1e-12)
  })

  for (const feature of ['logit', 'probability'] as const) {
    test(`[${c.name}] platt (feature ${feature}): within 1e-6 of sklearn's _sigmoid_calibration, 1e-9 of the exact optimum`, async () => {
      const ref = feature === 'logit' ? c.platt_logit : c.platt_probability
      const { pred, info } = await calibrated('platt', c, { feature })
      close('vs sklearn', pred, ref.sklearn.pred, 1e-6)
      close('vs optimum', pred, ref.optimum.pred, 1e-9)
      assert.ok(Math.abs((info.a as number) - ref.optimum.a) <= 1e-8 * (1 + Math.abs(ref.optimum.a)), `a = ${String(info.a)}, optimum ${ref.optimum.a}`)
      assert.ok(Math.abs((info.b as number) - ref.optimum.b) <= 1e-8 * (1 + Math.abs(ref.optimum.b)), `b = ${String(info.b)}, optimum ${ref.optimum.b}`)
    })
  }

  test(`[${c.name}] beta_calibration: same dropped feature as betacal's rule (${c.beta.kept}); within 1e-6 of sklearn LogisticRegression(C=1e12), 1e-9 of the optimum`, async () => {
    const m = fitBeta(f64(c.p), f64(c.y), c.w ? f64(c.w) : undefined)
    assert.equal(m.kept, c.beta.kept)
    if (c.beta.kept === 'b') assert.equal(m.a, 0)
    if (c.beta.kept === 'a') assert.equal(m.b, 0)
    for (const k of ['a', 'b', 'c'] as const) assert.ok(Math.abs(m[k] - c.beta.optimum[k]) <= 1e-8 * (1 + Math.abs(c.beta.optimum[k])), `${k} = ${m[k]}, optimum ${c.beta.optimum[k]}`)
    const { pred } = await calibrated('beta_calibration', c)
    close('vs sklearn', pred, c.beta.sklearn.pred, 1e-6)
    close('vs optimum', pred, c.beta.optimum.pred, 1e-9)
  })

  test(`[${c.name}] temperature_scaling: T = the exact NLL optimum to 1e-10; outputs within 1e-6 of scipy minimize_scalar's`, async () => {
    const [tMin, tMax] = fixture.t_bounds
    const r = optimalTemperature(Float64Array.from(c.p, logit), f64(c.y), c.w ? f64(c.w) : undefined, tMin, tMax)
    assert.equal(r.atBound, null)
    assert.ok(Math.abs(r.t - c.temperature.optimum.t) <= 1e-10 * c.temperature.optimum.t, `T = ${r.t}, optimum ${c.temperature.optimum.t}`)
    const { pred, info } = await calibrated('temperature_scaling', c, { t_min: tMin, t_max: tMax })
    assert.equal(info.temperature, r.t)
    close('vs minimize_scalar', pred, c.temperature.minimize_scalar.pred, 1e-6)
    close('vs optimum', pred, c.temperature.optimum.pred, 1e-10)
  })
}
