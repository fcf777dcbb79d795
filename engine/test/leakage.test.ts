// Cross-cutting leakage suite: the rules of DESIGN.md checked through the whole data stage, on files,
// as a user runs it. Each module has its own finer tests; these prove the assembly keeps them.
//  1. features (every column of the `full` set plus multi-timeframe columns) and the regime filter
//     at bar t depend only on bars ≤ t;
//  2. a label at t depends only on bars ≤ t + horizon;
//  3. nothing fitted in the data stage (label search, HMM) moves when the final test span changes;
//  4. the purged folds pass the audit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthBars } from '../data/synthetic/index.ts'
import { writeBarsCsv } from '../data/csvWrite.ts'
import { runDataStage, type DataStageResult } from '../data/stage/dataStage.ts'
import { applyRegimes } from '../data/regimes/regimes.ts'
import type { Bars } from '../data/bars.ts'
import { createRng } from '../data/rng.ts'

const N = 12_000
const HORIZON = 30
const dir = mkdtempSync(join(tmpdir(), 'leakage-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const base = synthBars({ kind: 'planted', bars: N, seed: 11, startPrice: 20_000, tickSize: 0.01 })

/** Same bars up to `t`, a different (valid) path after it. */
function perturbAfter(b: Bars, t: number, seed: number): Bars {
  const rng = createRng(seed)
  const c = { ...b, open: b.open.slice(), high: b.high.slice(), low: b.low.slice(), close: b.close.slice(), volume: b.volume.slice() }
  for (let i = t + 1; i < b.length; i++) {
    const o = c.close[i - 1]
    const cl = Math.round(o * Math.exp(0.003 * rng.normal()) * 100) / 100
    c.open[i] = o
    c.close[i] = cl
    c.high[i] = Math.max(o, cl) + Math.round(rng.next() * 500) / 100
    c.low[i] = Math.min(o, cl) - Math.round(rng.next() * 500) / 100
    c.volume[i] = 1 + Math.floor(rng.next() * 1000)
  }
  return c
}

const config = (file: string, extra: Record<string, unknown> = {}) => ({
  data: { file, instrument: 'BTCUSDT' },
  features: { set: 'full', include: [{ name: 'mtf_logret', tf: '15m' }, { name: 'mtf_rv', tf: '1h' }, { name: 'mtf_range_pos', tf: '5m' }] },
  labels: { horizon: HORIZON, cost_ticks: 100 },
  regime: { n_states: 2, n_init: 1, max_iter: 30 },
  splits: { folds: 3, purge: 60, embargo: 240, test_fraction: 0.2 },
  ...extra,
})

async function stageOn(bars: Bars, name: string, extra: Record<string, unknown> = {}): Promise<DataStageResult> {
  const file = join(dir, `${name}.csv`)
  await writeBarsCsv(file, bars)
  return runDataStage(config(file, extra))
}

const same = (a: number, b: number) => Object.is(a, b)

test('features and the regime filter at t ignore every bar after t; labels ignore bars after t + horizon', async () => {
  const ref = await stageOn(base, 'base')
  assert.ok(ref.features.names.some((n) => n.startsWith('mtf_')), 'multi-timeframe columns present')
  for (const t of [500, 4_321, 9_000]) {
    const alt = await stageOn(perturbAfter(base, t, t), `alt${t}`)
    ref.features.names.forEach((name, j) => {
      for (let i = 0; i <= t; i++) {
        if (!same(ref.features.columns[j][i], alt.features.columns[j][i])) assert.fail(`feature ${name} row ${i} changed when bars after ${t} changed`)
      }
    })
    // the filter under one fixed model (refitting on other data is a different model, tested below)
    const a = applyRegimes(ref.regimes!.model!, ref.bars)
    const b = applyRegimes(ref.regimes!.model!, alt.bars)
    for (let i = 0; i <= t * a.states + a.states - 1; i++) assert.ok(same(a.probs[i], b.probs[i]), `regime prob ${i} changed`)
    for (let i = 0; i < t - HORIZON; i++) {
      assert.equal(alt.labels.label[i], ref.labels.label[i], `label ${i} changed when bars after ${t} changed`)
      assert.equal(alt.labels.labelEnd[i], ref.labels.labelEnd[i])
      assert.ok(ref.labels.labelEnd[i] <= i + HORIZON)
    }
    const changedLater = ref.features.columns[0].some((v, i) => i > t + 100 && !same(v, alt.features.columns[0][i]))
    assert.ok(changedLater, 'the perturbation reached the rows after t (the test can fail)')
  }
})

test('nothing fitted in the data stage moves when the final test span changes', async () => {
  const extra = { labels: { horizon: HORIZON, cost_ticks: 100, optimise: { enabled: true, population: 8, generations: 3, bounds: { k_up: [1, 3], k_down: [1, 3], horizon: [10, 40] } } } }
  const ref = await stageOn(base, 'opt-base', extra)
  const ft = ref.splits.finalTest.start
  const alt = await stageOn(perturbAfter(base, ft, 99), 'opt-alt', extra)
  assert.deepEqual(alt.splits.finalTest, ref.splits.finalTest)
  assert.deepEqual(alt.labelSearch!.best, ref.labelSearch!.best, 'label search saw the final test span')
  assert.deepEqual(alt.regimes!.model!.params, ref.regimes!.model!.params, 'HMM saw the final test span')
  assert.deepEqual(alt.splits.folds, ref.splits.folds)
  assert.ok(ref.regimes!.fittedOn.end <= ft)
  // …while a change inside the development region does move the HMM (the comparison can fail)
  const inside = await stageOn(perturbAfter(base, Math.floor(ft / 2), 5), 'opt-inside', extra)
  assert.notDeepEqual(inside.regimes!.model!.params, ref.regimes!.model!.params)
})

test('every training sample of every fold is purged clear of its test span and the final test span', async () => {
  const r = await stageOn(base, 'audit')
  assert.equal(r.audit.ok, true)
  assert.ok(r.audit.checked > 5_000)
  for (const f of r.splits.folds) {
    const test = Array.isArray(f.test) ? f.test : [f.test]
    for (const tr of f.train) {
      for (let i = tr.start; i < tr.end; i++) {
        const le = r.labels.labelEnd[i]
        assert.ok(le >= i, `fold ${f.fold}: unlabelled sample ${i} in training`)
        for (const s of test) assert.ok(le < s.start || i >= s.end + 240, `fold ${f.fold}: sample ${i} label reaches test [${s.start}, ${s.end})`)
        assert.ok(le < r.splits.finalTest.start)
      }
    }
  }
})
