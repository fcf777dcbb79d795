import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { runDataStage } from '../../data/stage/dataStage.ts'
import { featureMatrix } from '../../data/views/index.ts'
import { openRunStore } from '../../store/index.ts'
import { commonRows, emptySeries, scatterAt } from './alignment.ts'
import { runPipeline } from './runPipeline.ts'
import { usableMask, windowUsableMask } from './rows.ts'
import './testing/testModels.ts'
import { baseBars, tempDir, testConfig, writeBars, WIN } from './testing/fixtures.ts'

const tmp = tempDir()
test.after(tmp.cleanup)

test('scatterAt writes by bar index and refuses a second write or a bar out of range', () => {
  const s = emptySeries(10)
  scatterAt(s, Int32Array.from([2, 3, 7]), Float64Array.from([0.1, 0.2, 0.3]), 'x')
  assert.deepEqual(Array.from(s, (v) => (Number.isNaN(v) ? null : v)), [null, null, 0.1, 0.2, null, null, null, 0.3, null, null])
  assert.throws(() => scatterAt(s, Int32Array.from([7]), Float64Array.from([1]), 'x'), (e: unknown) => e instanceof FactoryError && e.code === 'E_LEAKAGE' && /bar 7/.test(e.message))
  assert.throws(() => scatterAt(s, Int32Array.from([10]), Float64Array.from([1]), 'x'), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
  assert.throws(() => scatterAt(s, Int32Array.from([1, 2]), Float64Array.from([1]), 'x'), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
})

test('commonRows is the intersection of non-NaN bars, optionally within spans', () => {
  const a = Float64Array.from([NaN, NaN, 1, 2, 3, 4, NaN, 5])
  const b = Float64Array.from([NaN, 9, NaN, 9, 9, 9, 9, 9])
  assert.deepEqual(Array.from(commonRows([a, b])), [3, 4, 5, 7])
  assert.deepEqual(Array.from(commonRows([a, b], [{ start: 0, end: 5 }, { start: 7, end: 8 }])), [3, 4, 7])
  assert.deepEqual(Array.from(commonRows([])), [])
  assert.throws(() => commonRows([a, new Float64Array(3)]), (e: unknown) => e instanceof FactoryError && e.code === 'E_SHAPE')
})

test('a window row is usable only when all T rows are valid feature rows', () => {
  const fv = Uint8Array.from([0, 1, 1, 1, 1, 0, 1, 1, 1, 1])
  const u = usableMask(fv, Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), Float64Array.from([0, 0, 0, NaN, 0, 0, 0, 0, 0, 0]))
  assert.deepEqual(Array.from(u), [0, 1, 1, 0, 1, 0, 1, 1, 1, 0])
  assert.deepEqual(Array.from(windowUsableMask(u, fv, 3)), [0, 0, 0, 0, 1, 0, 0, 0, 1, 0])
})

test('tabular and window OOF: each model predicts exactly its usable test bars, NaN prefixes differ by T − 1, comparisons use common rows', async () => {
  // CPCV tests group 0 too, so the feature warm-up falls inside a test span and the two models'
  // different warm-ups become visible; 4 groups, 2 test groups → 3 backtest paths, path 0 is the OOF.
  const file = await writeBars(tmp.dir, 'cpcv', baseBars())
  const cfg = testConfig(file, { splits: { method: 'cpcv', groups: 4, test_groups: 2, purge: 20, embargo: 40, test_fraction: 0.2 } })
  const store = openRunStore({ path: ':memory:' })
  const r = await runPipeline(cfg, { store })
  const ds = await runDataStage({ data: cfg.data, features: cfg.features, regime: false, labels: cfg.labels, splits: cfg.splits })
  const m = featureMatrix(ds.features.names.map((name, j) => ({ name, values: ds.features.columns[j] })))
  const usable = usableMask(m.valid, ds.labels.valid, ds.forwardReturn)
  const wUsable = windowUsableMask(usable, m.valid, WIN.lookback!)
  const dev = ds.splits.development
  const nonNaN = (s: Float64Array) => Array.from(s.keys()).filter((i) => !Number.isNaN(s[i]))
  const expect = (mask: Uint8Array) => Array.from(mask.keys()).filter((i) => i >= dev.start && i < dev.end && mask[i])

  assert.deepEqual(nonNaN(r.oof.lin.p_up), expect(usable))
  assert.deepEqual(nonNaN(r.oof.lin.E_r), expect(usable))
  assert.deepEqual(nonNaN(r.oof.win.p_up), expect(wUsable))
  const firstLin = nonNaN(r.oof.lin.p_up)[0]
  const firstWin = nonNaN(r.oof.win.p_up)[0]
  assert.ok(firstLin > 0 && firstLin < 1000, `warm-up inside group 0 (first tabular prediction at ${firstLin})`)
  assert.equal(firstWin - firstLin, WIN.lookback! - 1)

  const common = commonRows([r.oof.lin.p_up, r.oof.lin.E_r, r.oof.win.p_up])
  assert.deepEqual(Array.from(common), expect(wUsable))
  const n = r.metrics.filter((x) => x.scope === 'oof' && x.name === 'n')
  assert.deepEqual(n.map((x) => [x.model, x.value]), [['lin', common.length], ['win', common.length]])

  // Each OOF value is the prediction of the split that path 0 assigns to its group.
  assert.equal(ds.splits.kind, 'cpcv')
  if (ds.splits.kind !== 'cpcv') return
  const plan = ds.splits
  for (const [g, span] of plan.groups.entries()) {
    const split = plan.paths[0][g]
    const stored = store.readOof(r.runId!, 'win', 'p_up', { fold: split })
    let checked = 0
    stored.barIndex.forEach((b, k) => {
      if (b >= span.start && b < span.end) {
        assert.equal(r.oof.win.p_up[b], stored.values[k], `bar ${b} of group ${g} comes from split ${split}`)
        checked++
      }
    })
    assert.ok(checked > 100)
    // another split testing the same group predicted it too, with another model
    const other = plan.folds.find((f) => f.groups.includes(g) && f.fold !== split)!
    const o = store.readOof(r.runId!, 'win', 'p_up', { fold: other.fold })
    assert.ok(o.barIndex.some((b, k) => b >= span.start && b < span.end && o.values[k] !== r.oof.win.p_up[b]), 'the choice of split matters (the test can fail)')
  }
  store.close()
})
