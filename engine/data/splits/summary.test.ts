import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { horizonLabelEnds, splitsSummary } from './summary.ts'

test('a year of 1-minute bars with the defaults: layout, counts and a passing audit', () => {
  const s = splitsSummary({ bars: 525_600, folds: 5, purge: 60, embargo: 1440, mode: 'expanding', test_fraction: 0.2, horizon: 60 })
  assert.equal(s.kind, 'walk_forward')
  assert.deepEqual(s.finalTest, { start: 420_480, end: 525_600 })
  assert.deepEqual(s.gap, { start: 420_480 - 1500, end: 420_480 })
  assert.equal(s.folds.length, 5)
  assert.equal(s.folds.at(-1)!.test[0].end, s.development.end)
  for (const f of s.folds) {
    assert.deepEqual(f.train, [{ start: 0, end: f.test[0].start - 60 }]) // horizon = purge: one 60-bar cut
    assert.deepEqual([f.purged, f.embargoed, f.unlabeled], [60, 0, 0])
    assert.equal(f.testCount, f.test[0].end - f.test[0].start)
  }
  assert.deepEqual(s.audit, { ok: true, checked: s.folds.reduce((a, f) => a + f.trainCount, 0), violationCount: 0 })
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s)
})

test('a horizon longer than the purge widens the cut to the horizon', () => {
  const s = splitsSummary({ bars: 100_000, folds: 3, purge: 60, embargo: 100, horizon: 240 })
  for (const f of s.folds) assert.equal(f.purged, 240)
  assert.equal(s.settings.horizon, 240)
})

test('cpcv mode uses folds as groups and reports the backtest paths', () => {
  const s = splitsSummary({ bars: 200_000, folds: 6, mode: 'cpcv', purge: 60, embargo: 1440 })
  assert.equal(s.kind, 'cpcv')
  assert.equal(s.folds.length, 15)
  assert.equal(s.paths!.length, 5)
  assert.equal(s.groups!.length, 6)
  assert.ok(s.folds.every((f) => f.groups!.length === 2 && f.test.length === 2))
  assert.ok(s.audit.ok)
})

test('rolling mode needs train_bars; bad mode and horizon are E_PARAM', () => {
  const s = splitsSummary({ bars: 50_000, folds: 4, mode: 'rolling', train_bars: 5000, purge: 10, embargo: 10 })
  for (const f of s.folds) assert.equal(f.trainCount, 5000 - 50) // horizon 60 reaches 50 past the purge
  const p = (re: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM' && re.test(e.message)
  assert.throws(() => splitsSummary({ bars: 50_000, folds: 4, mode: 'rolling' }), p(/train_bars is required/))
  assert.throws(() => splitsSummary({ bars: 50_000, folds: 4, mode: 'kfold' as never }), p(/known: expanding, rolling, cpcv/))
  assert.throws(() => splitsSummary({ bars: 50_000, folds: 4, horizon: -1 }), p(/splits\.horizon/))
})

test('too few bars: E_SPLIT says how many would fit', () => {
  assert.throws(
    () => splitsSummary({ bars: 2000, folds: 5, purge: 60, embargo: 1440 }),
    (e: unknown) => e instanceof FactoryError && e.code === 'E_SPLIT' && /need at least about \d+ bars; have 2000/.test(e.message),
  )
})

test('synthetic label ends are i + horizon, −1 where the label would run past the data', () => {
  assert.deepEqual(Array.from(horizonLabelEnds(6, 2)), [2, 3, 4, 5, -1, -1])
})
