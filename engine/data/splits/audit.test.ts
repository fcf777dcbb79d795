import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { createRng, type Rng } from '../rng.ts'
import { assertNoLeakage, auditSplits, type AuditFold } from './audit.ts'
import { purgedWalkForward } from './walkForward.ts'
import { combinatorialPurgedCV } from './cpcv.ts'
import { horizonLabelEnds } from './summary.ts'

function randomLabelEnds(rng: Rng, n: number, reach: number): Int32Array {
  const le = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    // mostly short labels, a tail of long ones (beyond the purge) and some missing / corrupt
    const u = rng.next()
    const r = u < 0.03 ? reach + rng.int(5 * reach + 1) : rng.int(reach + 1)
    le[i] = i + r < n ? i + r : -1
    if (u > 0.97) le[i] = -1
    else if (u > 0.965) le[i] = i - 1
  }
  return le
}

test('the audit passes every generated walk-forward and CPCV split (random settings and label ends)', () => {
  const rng = createRng(20240611)
  let configs = 0
  while (configs < 60) {
    const n = 3000 + rng.int(6000)
    const le = randomLabelEnds(rng, n, 1 + rng.int(150))
    const common = { purge: rng.int(101), embargo: rng.int(501), test_fraction: 0.05 + rng.next() * 0.25 }
    const kind = rng.int(3)
    let plan
    try {
      plan =
        kind === 2
          ? combinatorialPurgedCV(le, { ...common, groups: 3 + rng.int(6), test_groups: 1 + rng.int(2) })
          : purgedWalkForward(le, { ...common, folds: 1 + rng.int(8), mode: kind === 0 ? 'expanding' : 'rolling', train_bars: 200 + rng.int(3000) })
    } catch (e) {
      assert.ok(e instanceof FactoryError && e.code === 'E_SPLIT', String(e)) // settings too big for n: fine
      continue
    }
    configs++
    const opts = { purge: plan.settings.purge, embargo: plan.settings.embargo, finalTest: plan.finalTest }
    const rep = auditSplits(plan.folds, le, opts)
    assert.ok(rep.ok, `config ${configs}: ${JSON.stringify(rep.violations[0])}`)
    assert.equal(rep.checked, plan.folds.reduce((s, f) => s + f.trainCount, 0))
  }
})

// Hand-made fold: test [100, 120), purge 10, embargo 20, final test [180, 200) → gap from 150.
const P = 10
const E = 20
const finalTest = { start: 180, end: 200 }
const opts = { purge: P, embargo: E, finalTest }
const le0 = (): Int32Array => horizonLabelEnds(200, 5)
const fold = (train: { start: number; end: number }[]): AuditFold[] => [{ fold: 3, train, test: { start: 100, end: 120 } }]

test('a clean hand-made fold passes, right up to every boundary', () => {
  const le = le0()
  const rep = auditSplits(fold([{ start: 0, end: 90 }, { start: 140, end: 150 }]), le, opts)
  assert.deepEqual([rep.ok, rep.checked, rep.violationCount], [true, 100, 0])
})

test('catches a label window overlapping the test span by one bar', () => {
  const le = le0()
  le[80] = 99
  assert.ok(auditSplits(fold([{ start: 0, end: 90 }]), le, opts).ok)
  le[80] = 100
  const rep = auditSplits(fold([{ start: 0, end: 90 }]), le, opts)
  assert.equal(rep.ok, false)
  assert.deepEqual(rep.violations, [{ fold: 3, index: 80, labelEnd: 100, testSpan: { start: 100, end: 120 }, reason: 'label_overlap' }])
})

test('catches a training index in the purge zone, the test span and the embargo', () => {
  const le = le0()
  const zone = auditSplits(fold([{ start: 0, end: 91 }]), le, opts)
  assert.deepEqual(zone.violations.map((v) => [v.index, v.reason]), [[90, 'purge_zone']])
  const inTest = auditSplits(fold([{ start: 119, end: 120 }]), le, opts)
  assert.deepEqual(inTest.violations.map((v) => [v.index, v.reason]), [[119, 'in_test']])
  const emb = auditSplits(fold([{ start: 0, end: 90 }, { start: 139, end: 150 }]), le, opts)
  assert.deepEqual(emb.violations.map((v) => [v.index, v.reason]), [[139, 'embargo']])
})

test('catches training in the final test span and in the purge + embargo gap before it', () => {
  const le = le0()
  le[185] = 190
  const rep = auditSplits(fold([{ start: 185, end: 186 }]), le, opts)
  assert.deepEqual(rep.violations.map((v) => [v.index, v.reason, v.testSpan]), [[185, 'final_test', finalTest]])
  const gap = auditSplits(fold([{ start: 140, end: 151 }]), le, opts)
  assert.deepEqual(gap.violations.map((v) => [v.index, v.reason]), [[150, 'final_test']])
  // a fold whose own test span runs into the gap is itself a leak of the final test
  const bad = auditSplits([{ fold: 0, train: [{ start: 0, end: 50 }], test: { start: 100, end: 151 } }], le, opts)
  assert.equal(bad.violations[0].reason, 'final_test')
})

test('catches unlabelled training samples and malformed ranges', () => {
  const le = le0()
  le[7] = -1
  assert.deepEqual(auditSplits(fold([{ start: 0, end: 10 }]), le, opts).violations.map((v) => [v.index, v.reason]), [[7, 'unlabelled']])
  const r = auditSplits(fold([{ start: 20, end: 30 }, { start: 25, end: 40 }, { start: 50, end: 50 }, { start: 190, end: 250 }]), le0(), opts)
  assert.deepEqual(r.violations.map((v) => v.reason), ['bad_range', 'bad_range', 'bad_range'])
})

test('catches a one-bar widening of a generated CPCV split', () => {
  const le = horizonLabelEnds(20_000, 30)
  const plan = combinatorialPurgedCV(le, { groups: 6, test_groups: 2, purge: 60, embargo: 300 })
  const o = { purge: 60, embargo: 300, finalTest: plan.finalTest }
  assert.ok(auditSplits(plan.folds, le, o).ok)
  const split = plan.folds.find((f) => f.groups.join() === '1,3')!
  const leaky = plan.folds.map((f) => (f === split ? { ...f, train: f.train.map((r) => ({ ...r })) } : f))
  const target = leaky[split.fold].train.find((r) => r.end === split.test[1].start - 60)!
  target.end += 1 // one bar into the purge zone before group 3
  const rep = auditSplits(leaky, le, o)
  assert.equal(rep.violationCount, 1)
  assert.deepEqual([rep.violations[0].fold, rep.violations[0].index, rep.violations[0].reason], [split.fold, target.end - 1, 'purge_zone'])
  const emb = plan.folds.map((f) => (f === split ? { ...f, train: f.train.map((r) => (r.start === split.test[0].end + 300 ? { ...r, start: r.start - 1 } : r)) } : f))
  assert.equal(auditSplits(emb, le, o).violations[0].reason, 'embargo')
})

test('assertNoLeakage throws E_LEAKAGE naming the fold, index and spans', () => {
  const le = le0()
  le[80] = 104
  assert.throws(
    () => assertNoLeakage(fold([{ start: 0, end: 90 }]), le, opts),
    (e: unknown) =>
      e instanceof FactoryError &&
      e.code === 'E_LEAKAGE' &&
      /fold 3: training index 80 \(label window \[80, 104\]\) reaches test span \[100, 120\)/.test(e.message) &&
      e.details.fold === 3 &&
      e.details.index === 80,
  )
  assert.equal(assertNoLeakage(fold([{ start: 0, end: 70 }]), le, opts).ok, true)
})

test('violations are all counted but only the first few kept', () => {
  const rep = auditSplits(fold([{ start: 100, end: 120 }]), le0(), { ...opts, maxViolations: 3 })
  assert.equal(rep.violationCount, 20)
  assert.equal(rep.violations.length, 3)
})
