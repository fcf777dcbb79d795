import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { innerValidationSplit } from './innerValidation.ts'
import { auditSplits } from './audit.ts'
import { purgedWalkForward } from './walkForward.ts'
import { combinatorialPurgedCV } from './cpcv.ts'
import { horizonLabelEnds } from './summary.ts'

test('validation is the newest slice of training; the fit part is purged against it', () => {
  const le = horizonLabelEnds(200, 3)
  // M = 90, V = floor(90 · 0.25) = 22 → validation [78, 100), v = 78; purge 5 → fit i < 73
  const s = innerValidationSplit([{ start: 0, end: 50 }, { start: 60, end: 100 }], le, 0.25, 5)
  assert.deepEqual(s.validation, [{ start: 78, end: 100 }])
  assert.deepEqual(s.fit, [{ start: 0, end: 50 }, { start: 60, end: 73 }])
  assert.deepEqual([s.fitCount, s.validationCount, s.purged], [63, 22, 5])
})

test('the label reach purges past the fixed purge, and the cut may fall inside a range', () => {
  const le = horizonLabelEnds(200, 4)
  const s = innerValidationSplit([{ start: 0, end: 10 }, { start: 20, end: 30 }], le, 0.6, 0)
  assert.deepEqual(s.validation, [{ start: 8, end: 10 }, { start: 20, end: 30 }])
  assert.deepEqual(s.fit, [{ start: 0, end: 4 }]) // 3 + 4 = 7 < 8
  assert.equal(s.purged, 4)
  const whole = innerValidationSplit([{ start: 0, end: 10 }, { start: 20, end: 30 }], horizonLabelEnds(200, 0), 0.5, 0)
  assert.deepEqual(whole.validation, [{ start: 20, end: 30 }])
  assert.deepEqual(whole.fit, [{ start: 0, end: 10 }])
})

test('inner splits of generated folds pass the audit with the validation span as the test', () => {
  const le = horizonLabelEnds(30_000, 40)
  const wf = purgedWalkForward(le, { folds: 4, purge: 60, embargo: 500 })
  const cp = combinatorialPurgedCV(le, { groups: 5, test_groups: 2, purge: 60, embargo: 500 })
  for (const f of [...wf.folds, ...cp.folds]) {
    const s = innerValidationSplit(f.train, le, 0.15, 60)
    const rep = auditSplits([{ fold: f.fold, train: s.fit, test: s.validation }], le, { purge: 60, embargo: 0 })
    assert.ok(rep.ok, JSON.stringify(rep.violations[0]))
    assert.equal(s.fitCount + s.validationCount + s.purged, f.trainCount)
  }
})

test('bad fractions and empty results are clear errors', () => {
  const le = horizonLabelEnds(100, 1)
  const tr = [{ start: 0, end: 50 }]
  const code = (c: string, re: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === c && re.test(e.message)
  assert.throws(() => innerValidationSplit(tr, le, 0, 5), code('E_PARAM', /in \(0, 1\); got 0/))
  assert.throws(() => innerValidationSplit(tr, le, 1, 5), code('E_PARAM', /got 1/))
  assert.throws(() => innerValidationSplit([{ start: 0, end: 3 }], le, 0.2, 0), code('E_SPLIT', /gives 0 validation samples/))
  assert.throws(() => innerValidationSplit(tr, le, 0.5, 30), code('E_SPLIT', /leaves no fit samples of 25 \(purged 25\)/))
})
