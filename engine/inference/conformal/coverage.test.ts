import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Outputs } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import type { Rng } from '../../data/rng.ts'
import { createInference } from '../../registry/index.ts'
import './index.ts'

/**
 * Coverage properties over seeded exchangeable draws (issue 6, "Must show"). Each draw makes a
 * fresh calibration set and test set from one heteroscedastic model y = f(x) + ε, ε ~ N(0, σ(x)²),
 * with deliberately imperfect predictors, so the guarantee — not a well-specified model — is what
 * is being checked. Mean coverage over 200 draws has a standard error of about 0.002 here.
 */

const DRAWS = 200
const N_CAL = 200
const N_TEST = 200
const COVERAGE = 0.9
const ALPHA = 1 - COVERAGE

const f = (x: number): number => Math.sin(3 * x) + 0.5 * x
const sigma = (x: number): number => 0.3 + 0.4 * Math.abs(x)

function sample(rng: Rng, n: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = 2 * rng.next() - 1
    y[i] = f(x[i]) + sigma(x[i]) * rng.normal()
  }
  return { x, y }
}

function covered(out: Outputs, y: Float64Array): number {
  const lo = out.q05!
  const hi = out.q95!
  let c = 0
  for (let i = 0; i < y.length; i++) if (lo[i] <= y[i] && y[i] <= hi[i]) c++
  return c / y.length
}

/** Least-squares line through (x, y) over rows where keep(i); the models CV+/jackknife+ refit. */
function line(x: Float64Array, y: Float64Array, keep: (i: number) => boolean): [number, number] {
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0
  for (let i = 0; i < x.length; i++) {
    if (!keep(i)) continue
    n++; sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i]
  }
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx)
  return [(sy - b * sx) / n, b]
}

async function meanCoverage(label: string, seed: number, draw: (rng: Rng) => Promise<number>): Promise<number> {
  const rng = createRng(seed)
  let sum = 0
  for (let d = 0; d < DRAWS; d++) sum += await draw(rng)
  const mean = sum / DRAWS
  return Number.isFinite(mean) ? mean : assert.fail(`${label}: coverage is ${mean}`)
}

test(`split_conformal: mean coverage over ${DRAWS} draws ≥ 1 − α − 0.01`, async (t) => {
  const mean = await meanCoverage('split', 101, async (rng) => {
    const cal = sample(rng, N_CAL)
    const te = sample(rng, N_TEST)
    // a biased point model: 0.9·f(x)
    const pred = (x: Float64Array) => ({ data: x.map((v) => 0.9 * f(v)), shape: [x.length, 1] })
    const c = createInference('split_conformal', { coverage: COVERAGE })
    await c.fit({ x: pred(cal.x), y: { ret: cal.y } })
    return covered(await c.predict(pred(te.x)), te.y)
  })
  t.diagnostic(`split_conformal mean coverage ${mean.toFixed(4)} (target ${COVERAGE}, theory ${(Math.ceil((N_CAL + 1) * COVERAGE) / (N_CAL + 1)).toFixed(4)})`)
  assert.ok(mean >= 1 - ALPHA - 0.01, `mean coverage ${mean}`)
  // the finite-sample rank makes it conservative by at most 1/(n+1): not wildly over either
  assert.ok(mean <= COVERAGE + 1 / (N_CAL + 1) + 0.01, `mean coverage ${mean} is far above the target`)
})

test(`cqr: mean coverage over ${DRAWS} draws ≥ 1 − α − 0.01, from a band that is too narrow and one too wide`, async (t) => {
  for (const half of [0.3, 2.5]) {
    const mean = await meanCoverage('cqr', 202, async (rng) => {
      const cal = sample(rng, N_CAL)
      const te = sample(rng, N_TEST)
      const band = (x: Float64Array) => {
        const data = new Float64Array(2 * x.length)
        x.forEach((v, i) => {
          const h = half * (0.2 + Math.abs(v))
          data[2 * i] = f(v) - h
          data[2 * i + 1] = f(v) + h
        })
        return { data, shape: [x.length, 2] }
      }
      const c = createInference('cqr', { coverage: COVERAGE })
      await c.fit({ x: band(cal.x), y: { ret: cal.y }, names: ['q05', 'q95'] })
      return covered(await c.predict(band(te.x)), te.y)
    })
    t.diagnostic(`cqr (band half-width scale ${half}) mean coverage ${mean.toFixed(4)}`)
    assert.ok(mean >= 1 - ALPHA - 0.01, `band scale ${half}: mean coverage ${mean}`)
    assert.ok(mean <= COVERAGE + 1 / (N_CAL + 1) + 0.01, `band scale ${half}: mean coverage ${mean} is far above the target`)
  }
})

/** Fold models as the pipeline would give them: model k refit without fold k, evaluated everywhere. */
function foldPredictions(cal: { x: Float64Array; y: Float64Array }, testX: Float64Array, fold: Int32Array, k: number) {
  const models = Array.from({ length: k }, (_, m) => line(cal.x, cal.y, (i) => fold[i] !== m))
  const grid = (x: Float64Array) => {
    const data = new Float64Array(x.length * k)
    for (let i = 0; i < x.length; i++) for (let m = 0; m < k; m++) data[i * k + m] = models[m][0] + models[m][1] * x[i]
    return { data, shape: [x.length, k] }
  }
  return { fitX: grid(cal.x), testX: grid(testX) }
}

test(`cv_plus (K = 5) and jackknife_plus: mean coverage over ${DRAWS} draws ≥ 1 − 2α`, async (t) => {
  for (const method of ['cv_plus', 'jackknife_plus'] as const) {
    const mean = await meanCoverage(method, 303, async (rng) => {
      const cal = sample(rng, N_CAL)
      const te = sample(rng, N_TEST)
      const k = method === 'cv_plus' ? 5 : N_CAL
      const fold = new Int32Array(N_CAL)
      // a random balanced assignment of rows to folds (jackknife+: row i is its own fold)
      for (let i = 0; i < N_CAL; i++) fold[i] = i % k
      for (let i = N_CAL - 1; i > 0; i--) {
        const j = rng.int(i + 1)
        const tmp = fold[i]
        fold[i] = fold[j]
        fold[j] = tmp
      }
      const { fitX, testX } = foldPredictions(cal, te.x, fold, k)
      const c = createInference(method, { coverage: COVERAGE })
      await c.fit({ x: fitX, y: { ret: cal.y, fold: Float64Array.from(fold) } })
      return covered(await c.predict(testX), te.y)
    })
    t.diagnostic(`${method} mean coverage ${mean.toFixed(4)} (guarantee ≥ ${1 - 2 * ALPHA})`)
    assert.ok(mean >= 1 - 2 * ALPHA, `${method}: mean coverage ${mean}`)
  }
})

// ---- ACI on a drifting series --------------------------------------------------------------

const T = 20_000
const N0 = 500

/** A stream whose noise variance doubles halfway; calibration rows come from the calm regime. */
function driftingStream(seed: number, width: 2 | 3) {
  const rng = createRng(seed)
  const total = N0 + T
  const data = new Float64Array(total * width)
  const y = new Float64Array(total)
  for (let t = 0; t < total; t++) {
    const x = 2 * rng.next() - 1
    const sd = 0.3 * (t < N0 + T / 2 ? 1 : Math.SQRT2)
    y[t] = f(x) + sd * rng.normal()
    if (width === 2) data.set([f(x), y[t]], t * 2)
    else data.set([f(x) - 0.5, f(x) + 0.5, y[t]], t * 3)
  }
  return {
    cal: { data: data.slice(0, N0 * width), shape: [N0, width] },
    stream: { data: data.slice(N0 * width), shape: [T, width] },
    y: y.slice(N0),
  }
}

function coverageOver(out: Outputs, y: Float64Array, from: number, to: number): number {
  let c = 0
  for (let i = from; i < to; i++) if (out.q05![i] <= y[i] && y[i] <= out.q95![i]) c++
  return c / (to - from)
}

test(`aci: long-run coverage on a series whose variance doubles midway is within 0.02 of the target (T = ${T})`, async (t) => {
  const gamma = 0.005
  for (const [base, delay] of [['split', 1], ['cqr', 1], ['split', 10]] as const) {
    const s = driftingStream(404, base === 'split' ? 2 : 3)
    const c = createInference('aci', { coverage: COVERAGE, gamma, base, delay })
    await c.fit({ x: s.cal })
    const out = await c.predict(s.stream)
    const all = coverageOver(out, s.y, 0, T)
    const late = coverageOver(out, s.y, T / 2, T)
    t.diagnostic(`aci base=${base} delay=${delay}: long-run coverage ${all.toFixed(4)}, after the variance doubles ${late.toFixed(4)}`)
    assert.ok(Math.abs(all - COVERAGE) <= 0.02, `base ${base}, delay ${delay}: long-run coverage ${all}`)
    assert.ok(Math.abs(late - COVERAGE) <= 0.02, `base ${base}, delay ${delay}: coverage after the drift ${late}`)
    if (delay === 1) {
      // Gibbs & Candès Prop. 4.1: |mean err − α| ≤ (max(α, 1 − α) + γ)/(γT), for any sequence
      const bound = (Math.max(ALPHA, 1 - ALPHA) + gamma) / (gamma * T)
      assert.ok(Math.abs(1 - all - ALPHA) <= bound + 1e-12, `miss rate ${1 - all} is outside α ± ${bound}`)
    }
  }
})

test('aci: positive control — without adaptation (γ = 0) the same drift breaks coverage', async (t) => {
  const s = driftingStream(404, 2)
  const c = createInference('aci', { coverage: COVERAGE, gamma: 0 })
  await c.fit({ x: s.cal })
  const late = coverageOver(await c.predict(s.stream), s.y, T / 2, T)
  t.diagnostic(`γ = 0 (static quantile of a growing pool): coverage after the variance doubles ${late.toFixed(4)}`)
  assert.ok(late < COVERAGE - 0.03, `a static quantile should under-cover after the drift; got ${late}`)
})
