import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { purgedWalkForward } from './walkForward.ts'
import { horizonLabelEnds } from './summary.ts'

const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof FactoryError && e.code === code && (re === undefined || re.test(e.message))

function labels(n: number, reach: number): Int32Array {
  return horizonLabelEnds(n, reach)
}

test('expanding folds: test spans tile the development region, train precedes test minus the purge', () => {
  // n 100, final 20 → f 80; D = 80 − 2 − 3 = 75; Lt = floor(75/3) = 25
  const plan = purgedWalkForward(labels(100, 1), { folds: 2, purge: 2, embargo: 3, test_bars: 20 })
  assert.deepEqual(plan.finalTest, { start: 80, end: 100 })
  assert.deepEqual(plan.development, { start: 0, end: 75 })
  assert.deepEqual(plan.folds.map((f) => f.test), [{ start: 25, end: 50 }, { start: 50, end: 75 }])
  assert.deepEqual(plan.folds[0].train, [{ start: 0, end: 23 }])
  assert.deepEqual(plan.folds[1].train, [{ start: 0, end: 48 }])
  assert.deepEqual(plan.folds.map((f) => [f.purged, f.embargoed, f.unlabeled, f.trainCount]), [[2, 0, 0, 23], [2, 0, 0, 48]])
})

test('a long label is purged on its own; unlabelled samples are excluded, not trained on', () => {
  const le = labels(100, 1)
  le[10] = 30 // reaches fold 0's test span [25, 50) but not fold 1's
  le[5] = -1
  le[6] = 3 // ends before it starts
  le[7] = 100 // past the data
  const plan = purgedWalkForward(le, { folds: 2, purge: 2, embargo: 3, test_bars: 20 })
  assert.deepEqual(plan.folds[0].train, [{ start: 0, end: 5 }, { start: 8, end: 10 }, { start: 11, end: 23 }])
  assert.equal(plan.folds[0].purged, 3)
  assert.equal(plan.folds[0].unlabeled, 3)
  assert.deepEqual(plan.folds[1].train, [{ start: 0, end: 5 }, { start: 8, end: 48 }])
  assert.equal(plan.folds[1].purged, 2)
})

test('the label reach, not only the fixed purge, sets how close training gets to the test span', () => {
  const plan = purgedWalkForward(labels(100, 6), { folds: 2, purge: 2, embargo: 3, test_bars: 20 })
  assert.deepEqual(plan.folds[0].train, [{ start: 0, end: 19 }]) // 18 + 6 = 24 < 25
  assert.equal(plan.folds[0].purged, 6)
})

test('rolling folds keep train_bars bars before the purge zone', () => {
  const plan = purgedWalkForward(labels(100, 1), { folds: 2, mode: 'rolling', train_bars: 10, purge: 2, embargo: 3, test_bars: 20 })
  assert.deepEqual(plan.folds[0].train, [{ start: 13, end: 23 }])
  assert.deepEqual(plan.folds[1].train, [{ start: 38, end: 48 }])
  // a window longer than the history is clipped at bar 0
  const wide = purgedWalkForward(labels(100, 1), { folds: 2, mode: 'rolling', train_bars: 40, purge: 2, embargo: 3, test_bars: 20 })
  assert.deepEqual(wide.folds[0].train, [{ start: 0, end: 23 }])
  assert.deepEqual(wide.folds[1].train, [{ start: 8, end: 48 }])
})

test('purge 0 and embargo 0 are allowed: training runs right up to the test span', () => {
  const plan = purgedWalkForward(labels(100, 0), { folds: 3, purge: 0, embargo: 0, test_fraction: 0.2 })
  assert.deepEqual(plan.development, { start: 0, end: 80 })
  for (const f of plan.folds) {
    assert.deepEqual(f.train, [{ start: 0, end: f.test.start }])
    assert.equal(f.purged, 0)
  }
})

test('test_fraction sizes the final span by floor(n · fraction); defaults are purge 60, embargo 1440, 20 %', () => {
  const plan = purgedWalkForward(labels(20_000, 60), { folds: 4 })
  assert.deepEqual(plan.finalTest, { start: 16_000, end: 20_000 })
  assert.equal(plan.development.end, 16_000 - 60 - 1440)
  assert.deepEqual([plan.settings.purge, plan.settings.embargo, plan.settings.mode], [60, 1440, 'expanding'])
  for (const f of plan.folds) assert.equal(f.embargoed, 0)
})

test('too few bars → E_SPLIT naming the settings and the bar count that would fit', () => {
  const n = 2000
  assert.throws(
    () => purgedWalkForward(labels(n, 60), { folds: 5 }),
    isCode('E_SPLIT', /5 expanding walk-forward folds with purge 60, embargo 1440, test_fraction 0\.2, min_train 1: need at least about \d+ bars; have 2000/),
  )
  let need = 0
  try {
    purgedWalkForward(labels(n, 60), { folds: 5 })
  } catch (e) {
    need = (e as FactoryError).details.need as number
  }
  assert.ok(need > n)
  // the hint is exact for fully labelled data: `need` bars fit, one fewer does not
  assert.equal(purgedWalkForward(labels(need, 60), { folds: 5 }).folds.length, 5)
  assert.throws(() => purgedWalkForward(labels(need - 1, 60), { folds: 5 }), isCode('E_SPLIT'))
})

test('a fold below min_train → E_SPLIT naming the fold, its counts and min_train', () => {
  assert.throws(
    () => purgedWalkForward(labels(5000, 10), { folds: 4, purge: 10, embargo: 10, min_train: 900 }),
    isCode('E_SPLIT', /walk-forward fold 0 \(test \[\d+, \d+\)\) keeps \d+ training samples .*min_train is 900/),
  )
})

test('bad settings → E_PARAM with the config path and valid choices', () => {
  const le = labels(1000, 5)
  assert.throws(() => purgedWalkForward(le, { folds: 2, mode: 'rolling' }), isCode('E_PARAM', /train_bars is required/))
  assert.throws(() => purgedWalkForward(le, { folds: 2, mode: 'sliding' as never }), isCode('E_PARAM', /known: expanding, rolling/))
  assert.throws(() => purgedWalkForward(le, { folds: 0 }), isCode('E_PARAM', /splits\.folds must be an integer ≥ 1; got 0/))
  assert.throws(() => purgedWalkForward(le, { folds: 2, purge: -1 }), isCode('E_PARAM', /splits\.purge/))
  assert.throws(() => purgedWalkForward(le, { folds: 2, embargo: 1.5 }), isCode('E_PARAM', /splits\.embargo/))
  assert.throws(() => purgedWalkForward(le, { folds: 2, test_fraction: 1 }), isCode('E_PARAM', /test_fraction must be a number in \(0, 1\)/))
  assert.throws(() => purgedWalkForward(le, { folds: 2, test_fraction: 0.0001, purge: 0, embargo: 0 }), isCode('E_SPLIT', /final test span of 0 bars/))
  assert.throws(() => purgedWalkForward([1, 2] as unknown as Int32Array, { folds: 2 }), isCode('E_SHAPE'))
})

test('the plan is plain JSON', () => {
  const plan = purgedWalkForward(labels(3000, 5), { folds: 3, purge: 10, embargo: 50 })
  assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan)
})
