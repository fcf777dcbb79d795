import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Bars } from '../data/bars.ts'
import { plantedBars, randomWalkBars } from '../data/synthetic/index.ts'
import { purgedWalkForward, rangesToIndices } from '../data/splits/index.ts'
import type { WalkForwardPlan } from '../data/splits/index.ts'
import { commonRows, emptySeries, gather, scatterAt } from '../pipeline/runner/alignment.ts'
import { createEnsemble, createModel } from '../registry/index.ts'
import { logLoss, rocAuc } from '../inference/metrics/index.ts'
import '../models/index.ts'
import './index.ts'
import { finalMetaRows, stackingOof, usableMetaRows } from './stackingOof.ts'

/**
 * The issue's "must show", end to end on synthetic bars without the runner: two honest base
 * models (the real `logistic` plug-in, refitted per purged walk-forward fold on one causal feature
 * each, scaled on its fold's training rows) give OOF p_up series by bar index; `stackingOof` then
 * builds the stacking ensemble's own nested purged OOF series.
 *
 *   planted signal: the ensemble's OOF log loss beats the better base model's on the same bars;
 *   random walk:    the ensemble's OOF AUC stays at chance (0.47 … 0.53).
 *
 * The two views of the planted drift are trailing log returns over a short and a long window:
 * the short one is current but noisy, the long one smooth but stale, so each knows something the
 * other does not. The label is "the close H bars ahead is higher", which reads bars i+1 … i+H
 * (labelEnd = i + H), so purging works exactly as for triple-barrier labels.
 */

const PURGE = 60
const FOLDS = 6

interface Series {
  label: Float64Array
  labelEnd: Int32Array
  features: Record<string, Float64Array>
}

function prepare(bars: Bars, horizon: number, windows: Record<string, number>): Series {
  const n = bars.close.length
  const c = bars.close
  const label = new Float64Array(n).fill(NaN)
  const labelEnd = new Int32Array(n).fill(-1)
  for (let i = 0; i + horizon < n; i++) {
    label[i] = c[i + horizon] > c[i] ? 1 : 0
    labelEnd[i] = i + horizon
  }
  const features: Record<string, Float64Array> = {}
  for (const [name, w] of Object.entries(windows)) {
    const f = new Float64Array(n).fill(NaN)
    for (let i = w; i < n; i++) f[i] = Math.log(c[i] / c[i - w])
    features[name] = f
  }
  return { label, labelEnd, features }
}

/** Walk-forward OOF p_up of the `logistic` model on one feature: scaled on each fold's train rows. */
async function baseOof(s: Series, feature: string, plan: WalkForwardPlan): Promise<Float64Array> {
  const f = s.features[feature]
  const oof = emptySeries(f.length)
  for (const fold of plan.folds) {
    const train = Array.from(rangesToIndices(fold.train)).filter((i) => Number.isFinite(f[i]) && Number.isFinite(s.label[i]))
    let mu = 0
    for (const i of train) mu += f[i]
    mu /= train.length
    let sd = 0
    for (const i of train) sd += (f[i] - mu) ** 2
    sd = Math.sqrt(sd / train.length)
    const m = createModel('logistic', { c: 1 }, { seed: 1 })
    await m.fit({ x: { data: Float64Array.from(train, (i) => (f[i] - mu) / sd), shape: [train.length, 1] }, y: { label: Float64Array.from(train, (i) => s.label[i]) } })
    const test: number[] = []
    for (let i = fold.test.start; i < fold.test.end; i++) if (Number.isFinite(f[i])) test.push(i)
    const p = (await m.predict({ data: Float64Array.from(test, (i) => (f[i] - mu) / sd), shape: [test.length, 1] })).p_up!
    scatterAt(oof, Int32Array.from(test), p, `${feature} fold ${fold.fold}`)
  }
  return oof
}

async function run(bars: Bars, horizon: number, windows: Record<string, number>) {
  const s = prepare(bars, horizon, windows)
  const plan = purgedWalkForward(s.labelEnd, { folds: FOLDS, purge: PURGE, embargo: PURGE, test_fraction: 0.1 })
  const names = Object.keys(windows)
  const base = await Promise.all(names.map((f) => baseOof(s, f, plan)))
  const n = s.label.length
  const x = new Float64Array(n * names.length)
  for (let i = 0; i < n; i++) base.forEach((b, j) => (x[i * names.length + j] = b[i]))
  const meta = { x: { data: x, shape: [n, names.length] }, names: names.map((m) => `${m}.p_up`) }
  const res = await stackingOof(() => createEnsemble('stacking', { meta_learner: 'logistic' }, { seed: 3 }), meta, { label: s.label }, s.labelEnd, plan.folds, { purge: PURGE })
  const ens = res.oof.p_up!
  const rows = commonRows([...base, ens, s.label])
  const y = gather(s.label, rows)
  const final = finalMetaRows(usableMetaRows(meta.x, { label: s.label }, ['label'], s.labelEnd), s.labelEnd, plan.folds, plan.finalTest.start, PURGE)
  return {
    rows: rows.length,
    folds: res.folds,
    finalRows: final.rows.length,
    lastFinalLabelEnd: s.labelEnd[final.rows[final.rows.length - 1]],
    finalStart: plan.finalTest.start,
    ensemble: { logLoss: logLoss(gather(ens, rows), y).value, auc: rocAuc(gather(ens, rows), y).value },
    bases: base.map((b, j) => ({ name: names[j], logLoss: logLoss(gather(b, rows), y).value, auc: rocAuc(gather(b, rows), y).value })),
  }
}

const fmt = (v: number) => v.toFixed(5)

test('planted signal: stacking two honest views beats the better base model\'s OOF log loss on the same bars', async () => {
  const r = await run(plantedBars({ bars: 60_000, seed: 11 }), 30, { short: 15, long: 120 })
  const best = Math.min(...r.bases.map((b) => b.logLoss))
  const report = `ensemble ${fmt(r.ensemble.logLoss)} (AUC ${fmt(r.ensemble.auc)}) vs ${r.bases.map((b) => `${b.name} ${fmt(b.logLoss)} (AUC ${fmt(b.auc)})`).join(', ')} on ${r.rows} bars`
  console.log(`# planted: ${report}`)
  assert.equal(r.folds[0].skipped !== undefined, true, 'fold 0 has no earlier OOF rows, so the meta-level must not predict it')
  assert.ok(r.rows > 20_000, `only ${r.rows} common OOF bars`)
  assert.ok(r.bases.every((b) => b.auc > 0.55), `the base models should find the planted drift: ${report}`)
  assert.ok(r.ensemble.logLoss < best, `stacking did not beat the better base: ${report}`)
  // the final meta-model's rows never reach the final test span
  assert.ok(r.lastFinalLabelEnd < r.finalStart)
})

test('random walk: the stacked ensemble stays at chance (OOF AUC within 0.47 … 0.53) on two seeds', async () => {
  for (const seed of [5, 6]) {
    const r = await run(randomWalkBars({ bars: 80_000, seed }), 5, { short: 15, long: 120 })
    console.log(`# random walk seed ${seed}: ensemble AUC ${fmt(r.ensemble.auc)}, log loss ${fmt(r.ensemble.logLoss)}; bases ${r.bases.map((b) => `${b.name} AUC ${fmt(b.auc)}`).join(', ')} on ${r.rows} bars`)
    assert.ok(r.ensemble.auc >= 0.47 && r.ensemble.auc <= 0.53, `seed ${seed}: ensemble AUC ${r.ensemble.auc} on a random walk`)
    // and its log loss sits at the base rate's (ln 2 ≈ 0.6931): neither a leak below it nor
    // over-confidence far above it (z-scored logits once gave 1.08 here, see metaModel.ts)
    assert.ok(r.ensemble.logLoss > 0.69 && r.ensemble.logLoss < 0.7, `seed ${seed}: log loss ${r.ensemble.logLoss} on a random walk; chance is 0.6931`)
  }
})
