import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../contracts/errors.ts'
import type { Targets } from '../contracts/component.ts'
import { createRng } from '../data/rng.ts'
import { createEnsemble } from '../registry/index.ts'
import './index.ts'
import { finalMetaRows, nestedMetaRows, stackingOof, usableMetaRows } from './stackingOof.ts'
import type { OofFoldSpan } from './stackingOof.ts'
import { blendingSplit } from './blending.ts'

/**
 * The meta-level leakage rules. A synthetic bar-indexed OOF world: 4 folds of 300 bars after a
 * 400-bar first training block, two members with p_up and E_r (NaN before the first fold), labels
 * reading `H` bars ahead (labelEnd = i + H) and the last H bars unlabelled.
 */

const H = 12
const PURGE = 20
const FOLDS: OofFoldSpan[] = [0, 1, 2, 3].map((k) => ({ fold: k, test: { start: 400 + 300 * k, end: 700 + 300 * k } }))
const N = 1700 // 100 bars after the last fold (embargo / final test)
const NAMES = ['a.p_up', 'a.E_r', 'b.p_up', 'b.E_r']

function world(seed = 7) {
  const rng = createRng(seed)
  const x = new Float64Array(N * 4).fill(NaN)
  const label = new Float64Array(N).fill(NaN)
  const ret = new Float64Array(N).fill(NaN)
  const labelEnd = new Int32Array(N).fill(-1)
  const sig = (v: number) => 1 / (1 + Math.exp(-v))
  for (let i = 0; i < N; i++) {
    const z = rng.normal()
    if (i + H < N) {
      labelEnd[i] = i + H
      label[i] = rng.next() < sig(z) ? 1 : 0
      ret[i] = 0.001 * z + 0.002 * rng.normal()
    }
    if (i >= 400 && i < 1600) {
      const za = z + 0.8 * rng.normal()
      const zb = z + 1.2 * rng.normal()
      x.set([sig(1.5 * za), 0.001 * za, sig(0.7 * zb), 0.0008 * zb], i * 4)
    }
  }
  return { x: { data: x, shape: [N, 4] }, label, ret, labelEnd }
}

const make = (params: Record<string, unknown> = {}) => () => createEnsemble('stacking', { meta_learner: 'ridge', e_r: true, ...params }, { seed: 1 })

test('nestedMetaRows: fold k trains only on usable rows of folds < k, purged by the fixed zone and by label end', () => {
  const w = world()
  const usable = usableMetaRows(w.x, { label: w.label, ret: w.ret }, ['label', 'ret'], w.labelEnd)
  const plan = nestedMetaRows(usable, w.labelEnd, FOLDS, PURGE)
  assert.equal(plan[0].rows.length, 0)
  for (const [k, p] of plan.entries()) {
    const s = FOLDS[k].test.start
    for (const i of p.rows) {
      assert.ok(i >= FOLDS[0].test.start && i < FOLDS[k].test.start, `fold ${k} trains on bar ${i}`)
      assert.ok(i < s - PURGE && w.labelEnd[i] < s, `fold ${k} row ${i} (label end ${w.labelEnd[i]}) is inside the purge of ${s}`)
    }
    if (k > 0) {
      // every earlier OOF bar that is usable and outside the purge is used: nothing dropped silently
      const expected = (s - PURGE) - FOLDS[0].test.start
      assert.equal(p.rows.length, expected)
      assert.equal(p.purged, PURGE) // H < PURGE, so the fixed zone is the binding rule
    }
  }
  const longLabels = w.labelEnd.map((le, i) => (le >= 0 ? i + 3 * PURGE : -1))
  const lp = nestedMetaRows(usableMetaRows(w.x, { label: w.label }, ['label'], longLabels), longLabels, FOLDS, PURGE)
  for (const [k, p] of lp.entries()) for (const i of p.rows) assert.ok(longLabels[i] < FOLDS[k].test.start, 'a label window reaching the test span was not purged')
  assert.equal(lp[1].purged, 3 * PURGE)
})

test('nested OOF: changing fold k\'s test rows (and anything later, and its purge zone) leaves fold k\'s meta-model unchanged; an earlier row changes it', async () => {
  const w = world()
  const y: Targets = { label: w.label, ret: w.ret }
  const base = await stackingOof(make(), { x: w.x, names: NAMES }, y, w.labelEnd, FOLDS, { purge: PURGE })
  const k = 2
  const s = FOLDS[k].test.start
  const perturbed = w.x.data.slice()
  for (let i = s - PURGE; i < N; i++) for (let j = 0; j < 4; j++) if (Number.isFinite(perturbed[i * 4 + j])) perturbed[i * 4 + j] = j % 2 === 0 ? 1 - perturbed[i * 4 + j] : -3 * perturbed[i * 4 + j]
  const label2 = w.label.slice()
  for (let i = s - PURGE; i < N; i++) if (Number.isFinite(label2[i])) label2[i] = 1 - label2[i]
  const other = await stackingOof(make(), { x: { data: perturbed, shape: w.x.shape }, names: NAMES }, { label: label2, ret: w.ret }, w.labelEnd, FOLDS, { purge: PURGE })
  for (let f = 1; f <= k; f++) {
    assert.deepEqual(other.folds[f].saved, base.folds[f].saved, `fold ${f}'s meta-model changed when bars ≥ ${s - PURGE} changed`)
    assert.deepEqual(Array.from(other.folds[f].trainRows), Array.from(base.folds[f].trainRows))
  }
  assert.notDeepEqual(other.folds[k + 1].saved, base.folds[k + 1].saved, 'fold k+1 must see fold k\'s rows (positive control)')
  // and the converse: a change inside fold 1's test span reaches fold 2's model but not fold 1's
  const early = w.x.data.slice()
  const i0 = FOLDS[1].test.start + 5
  early[i0 * 4] = 0.999
  const moved = await stackingOof(make(), { x: { data: early, shape: w.x.shape }, names: NAMES }, y, w.labelEnd, FOLDS, { purge: PURGE })
  assert.deepEqual(moved.folds[1].saved, base.folds[1].saved, 'fold 1 cannot see fold 1 rows')
  assert.notDeepEqual(moved.folds[2].saved, base.folds[2].saved, 'fold 2 trains on fold 1 rows')
})

test('nested OOF output: NaN on fold 0 (no earlier rows) and outside the folds; finite on later folds; skipped folds say why', async () => {
  const w = world()
  const r = await stackingOof(make(), { x: w.x, names: NAMES }, { label: w.label, ret: w.ret }, w.labelEnd, FOLDS, { purge: PURGE })
  for (const o of ['p_up', 'E_r'] as const) {
    const s = r.oof[o]!
    assert.equal(s.length, N)
    for (let i = 0; i < N; i++) {
      const inLater = i >= FOLDS[1].test.start && i < FOLDS[3].test.end
      assert.equal(Number.isFinite(s[i]), inLater, `${o}[${i}]`)
    }
  }
  assert.match(r.folds[0].skipped!, /0 meta-training rows/)
  assert.equal(r.folds[0].saved, null)
  const strict = await stackingOof(make(), { x: w.x, names: NAMES }, { label: w.label, ret: w.ret }, w.labelEnd, FOLDS, { purge: PURGE, minRows: 400 })
  assert.match(strict.folds[1].skipped!, /280 meta-training rows .*need 400/)
  assert.ok(Number.isNaN(strict.oof.p_up![FOLDS[1].test.start]))
})

test('final meta rows: every usable OOF row purged against the final test start; folds out of order are refused', () => {
  const w = world()
  const usable = usableMetaRows(w.x, { label: w.label }, ['label'], w.labelEnd)
  const finalStart = 1650
  const r = finalMetaRows(usable, w.labelEnd, FOLDS, finalStart, PURGE)
  for (const i of r.rows) assert.ok(i < finalStart - PURGE && w.labelEnd[i] < finalStart)
  assert.equal(r.rows.length, 1600 - 400)
  const r2 = finalMetaRows(usable, w.labelEnd, FOLDS, 1605, PURGE)
  assert.equal(r2.rows[r2.rows.length - 1], 1605 - PURGE - 1)
  assert.throws(() => nestedMetaRows(usable, w.labelEnd, [FOLDS[1], FOLDS[0]], PURGE), (e: unknown) => e instanceof FactoryError && e.code === 'E_SPLIT' && /time order/.test(e.message))
})

test('blendingSplit: the last holdout_fraction of the training samples, earlier ones purged against it; bad fractions named', () => {
  const n = 1000
  const labelEnd = Int32Array.from({ length: n }, (_, i) => (i + 15 < n ? i + 15 : -1))
  const s = blendingSplit([{ start: 0, end: 800 }], labelEnd, 0.25, 10)
  assert.deepEqual(s.holdout, [{ start: 600, end: 800 }])
  assert.equal(s.holdoutCount, 200)
  // purge zone [590, 600) and labels reaching 600 (i ≥ 585): 15 purged
  assert.deepEqual(s.fit, [{ start: 0, end: 585 }])
  assert.equal(s.purged, 15)
  for (const bad of [0, 1, -0.1, NaN])
    assert.throws(() => blendingSplit([{ start: 0, end: 800 }], labelEnd, bad, 10), (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM' && e.details.path === 'ensemble.params.holdout_fraction')
})
