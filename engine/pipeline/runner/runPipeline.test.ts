import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { openRunStore } from '../../store/index.ts'
import type { RunEvent } from './events.ts'
import { runPipeline, type RunResult } from './runPipeline.ts'
import { deriveSeed } from './seeds.ts'
import { fitLog } from './testing/testModels.ts'
import { baseBars, LIN, perturbBars, tempDir, testConfig, WIN, writeBars } from './testing/fixtures.ts'

const tmp = tempDir()
test.after(tmp.cleanup)
const bars = baseBars()
const filePromise = writeBars(tmp.dir, 'base', bars)

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
const isCode = (code: string, re?: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === code && (re === undefined || re.test(e.message))

test('events: stages in order, each started then finished; progress fractions in [0, 1] and non-decreasing; run running → finished', async () => {
  const events: RunEvent[] = []
  const r = await runPipeline(testConfig(await filePromise), { onEvent: (e) => events.push(e) })
  assert.equal(r.runId, null)
  const stages = events.filter((e) => e.type === 'stage').map((e) => `${e.stage}:${e.status}`)
  assert.deepEqual(stages, ['data:started', 'data:finished', 'folds:started', 'folds:finished', 'final:started', 'final:finished', 'metrics:started', 'metrics:finished'])
  assert.deepEqual(events.filter((e) => e.type === 'run').map((e) => e.status), ['running', 'finished'])
  let stage = ''
  let last = 0
  for (const e of events) {
    if (e.type === 'stage' && e.status === 'started') [stage, last] = [e.stage, 0]
    if (e.type !== 'progress') continue
    assert.equal(e.stage, stage, 'progress belongs to the running stage')
    assert.ok(e.fraction >= 0 && e.fraction <= 1 + 1e-12, `fraction ${e.fraction}`)
    if (e.stage !== 'data') assert.ok(e.fraction >= last - 1e-12, `${e.stage} progress went back from ${last} to ${e.fraction}`)
    if (e.stage !== 'data') last = e.fraction
  }
  const seen = new Set(events.filter((e) => e.type === 'progress' && e.stage === 'folds').map((e) => e.type === 'progress' && `${e.fold}/${e.model}`))
  assert.deepEqual([...seen].sort(), ['0/lin', '0/win', '1/lin', '1/win', '2/lin', '2/win'])
  const lastFold = events.filter((e) => e.type === 'progress' && e.stage === 'folds').at(-1)
  assert.ok(lastFold?.type === 'progress' && Math.abs(lastFold.fraction - 1) < 1e-12)
  assert.ok(events.some((e) => e.type === 'progress' && e.stage === 'data' && e.step === 'ingest'))
  assert.ok(events.some((e) => e.type === 'log' && /fold 2, model 'lin': \d+ training rows \(fit \d+, validation \d+\)/.test(e.message)))
})

test('store: run record, folds, OOF per model and output, final test predictions, metrics per scope; seeds derived per (model, fold)', async () => {
  const store = openRunStore({ path: ':memory:' })
  fitLog.length = 0
  const yaml = 'name: runner_test\n# as written\n'
  const r = await runPipeline(testConfig(await filePromise), { store, configYaml: yaml })
  const run = store.getRun(r.runId!)!
  assert.equal(run.status, 'finished')
  assert.equal(run.seed, 7)
  assert.equal(run.backend, 'cpu-js')
  assert.equal(store.getConfig(run.configHash!), yaml)
  assert.match(run.dataFingerprint!, /^sha256=[0-9a-f]{64} bars=5000 first=2024-01-01T00:00:00\.000Z last=\S+Z$/)
  assert.ok(run.summary && typeof run.summary.oof === 'object')

  const folds = store.listFolds(r.runId!)
  assert.deepEqual(folds.map((f) => [f.fold, f.role]), [[0, 'cv'], [1, 'cv'], [2, 'cv'], [3, 'final']])
  assert.deepEqual(folds, r.folds)
  const ft = folds[3].test[0]
  assert.equal(ft.end, 5000)
  assert.ok(folds[3].train.at(-1)!.end <= ft.start - 20 - 40, 'final refit trains on the development region only')

  for (const [model, outputs] of [['lin', ['p_up', 'E_r']], ['win', ['p_up']]] as const) {
    for (const o of outputs) {
      const s = store.readOof(r.runId!, model, o)
      const mine = r.oof[model][o]
      assert.equal(s.barIndex.length, mine.filter((v) => !Number.isNaN(v)).length)
      s.barIndex.forEach((b, k) => assert.equal(s.values[k], mine[b]))
      const f = store.readOof(r.runId!, model, o, { role: 'final' })
      assert.ok(f.barIndex.every((b) => b >= ft.start && b < ft.end))
      f.barIndex.forEach((b, k) => assert.equal(f.values[k], r.test[model][o][b]))
      assert.deepEqual(Array.from(f.ts!), Array.from(f.barIndex, (b) => bars.ts[b]))
    }
  }
  const metrics = store.listMetrics(r.runId!)
  assert.deepEqual(metrics.length, r.metrics.length)
  for (const scope of ['fold', 'oof', 'test'] as const) {
    for (const model of ['lin', 'win']) {
      const auc = metrics.filter((m) => m.scope === scope && m.model === model && m.output === 'p_up' && m.name === 'auc')
      assert.equal(auc.length, scope === 'fold' ? 3 : 1, `${scope} auc of ${model}`)
      assert.ok(auc.every((m) => m.value > 0.3 && m.value < 0.9))
    }
  }
  assert.ok(metrics.some((m) => m.scope === 'oof' && m.model === 'lin' && m.output === 'E_r' && m.name === 'ic'))

  // 3 folds + final for each model, in that order, each with its derived seed; lin had inner validation
  assert.deepEqual(fitLog.map((f) => f.seed), [0, 1, 2].flatMap((k) => [deriveSeed(7, 'lin', k), deriveSeed(7, 'win', k)]).concat([deriveSeed(7, 'lin', 'final'), deriveSeed(7, 'win', 'final')]))
  assert.ok(fitLog.filter((f) => f.model === 'runner_test_linear').every((f) => f.validRows > 0))
  assert.ok(fitLog.filter((f) => f.model === 'runner_test_window').every((f) => f.validRows === 0), 'no early stopping, no held-out rows')
  store.close()
})

test('reproducible bit for bit: two runs give identical OOF, test predictions and metrics; another seed does not', async () => {
  const file = await filePromise
  const a = await runPipeline(testConfig(file))
  const b = await runPipeline(testConfig(file))
  const c = await runPipeline(testConfig(file, { seed: 8 }))
  const same = (x: RunResult, y: RunResult) => {
    for (const m of ['lin', 'win']) for (const o of Object.keys(x.oof[m])) {
      if (!bytes(x.oof[m][o]).equals(bytes(y.oof[m][o])) || !bytes(x.test[m][o]).equals(bytes(y.test[m][o]))) return false
    }
    return JSON.stringify(x.metrics) === JSON.stringify(y.metrics)
  }
  assert.ok(same(a, b))
  assert.ok(!same(a, c), 'the seed reaches the models')
  assert.ok(bytes(a.oof.lin.p_up).equals(bytes(b.oof.lin.p_up)))
})

test('scalers are fitted on training rows only: changing fold 1\'s test span leaves its scaler alone but moves fold 2\'s', async () => {
  const file = await filePromise
  const ref = await runPipeline(testConfig(file))
  const t1 = ref.folds[1].test[0]
  const alt = await runPipeline(testConfig(await writeBars(tmp.dir, 'fold1', perturbBars(bars, t1.start, t1.end, 0.02))))
  assert.deepEqual(alt.folds.slice(0, 2), ref.folds.slice(0, 2))
  for (const m of ['lin', 'win']) {
    assert.deepEqual(alt.scalers[m][0], ref.scalers[m][0])
    assert.deepEqual(alt.scalers[m][1], ref.scalers[m][1], `${m}: fold 1 scaler saw its test span`)
    assert.notDeepEqual(alt.scalers[m][2], ref.scalers[m][2], `${m}: fold 2 trains on that span (the test can fail)`)
  }
  assert.ok(ref.scalers.lin.every((s) => s !== null && s.type === 'standard_scaler'))
})

test('use_regime: the HMM is refitted per fold on the past, so fold 0 ignores every bar after its test span', async () => {
  const over = { regime: { n_states: 2, n_init: 1, max_iter: 15 }, base_models: [{ ...LIN, use_regime: true }] }
  fitLog.length = 0
  const ref = await runPipeline(testConfig(await filePromise, over))
  const names = ref.scalers.lin[0]!.names!
  assert.deepEqual(names.slice(-2), ['regime_prob_0', 'regime_prob_1'])
  assert.ok(fitLog.length === 4 && fitLog.every((f) => f.f === names.length), 'every fit saw the regime columns')
  const t0 = ref.folds[0].test[0]
  const alt = await runPipeline(testConfig(await writeBars(tmp.dir, 'after0', perturbBars(bars, t0.end, bars.length, 0.03)), over))
  const a = ref.oof.lin.p_up.subarray(t0.start, t0.end)
  const b = alt.oof.lin.p_up.subarray(t0.start, t0.end)
  assert.ok(a.some((v) => !Number.isNaN(v)))
  assert.ok(bytes(a).equals(bytes(b)), 'fold 0 predictions moved when later bars changed: the regime filter leaked')
  const t1 = ref.folds[1].test[0]
  assert.ok(!bytes(ref.oof.lin.p_up.subarray(t1.start, t1.end)).equals(bytes(alt.oof.lin.p_up.subarray(t1.start, t1.end))), 'later folds do change')
})

test('config problems fail before any run exists: use_regime with CPCV, regime off, unknown model', async () => {
  const store = openRunStore({ path: ':memory:' })
  const file = await filePromise
  const cpcv = { method: 'cpcv' as const, groups: 4, test_groups: 2, purge: 20, embargo: 40 }
  await assert.rejects(runPipeline(testConfig(file, { regime: {}, splits: cpcv, base_models: [{ ...LIN, use_regime: true }] }), { store }), (e: unknown) => isCode('E_CONFIG', /cpcv/)(e) && (e as FactoryError).details.path === 'base_models[0].use_regime')
  await assert.rejects(runPipeline(testConfig(file, { base_models: [{ ...LIN, use_regime: true }] }), { store }), isCode('E_CONFIG', /regime is false/))
  await assert.rejects(runPipeline(testConfig(file, { base_models: [{ id: 'x', name: 'nope', params: {} }] }), { store }), (e: unknown) => isCode('E_UNKNOWN_NAME')(e) && (e as FactoryError).details.path === 'base_models[0].name')
  await assert.rejects(runPipeline(testConfig(file, { regime: { n_states: 99 }, base_models: [{ ...LIN, use_regime: true }] }), { store }), (e: unknown) => e instanceof FactoryError && /^regime\.n_states/.test(String(e.details.path)))
  assert.equal(store.listRuns().length, 0)
  store.close()
})

test('a failing model marks the run failed with the error, naming fold and model; a plug-in FactoryError keeps its code', async () => {
  const store = openRunStore({ path: ':memory:' })
  const file = await filePromise
  const events: RunEvent[] = []
  const bad = testConfig(file, { base_models: [LIN, { ...WIN, params: { fail: 'plain_error' } }] })
  await assert.rejects(runPipeline(bad, { store, onEvent: (e) => events.push(e) }), isCode('E_INTERNAL', /fold 0, model 'win': boom/))
  const run = store.listRuns()[0]
  assert.equal(run.status, 'failed')
  assert.equal(run.error!.code, 'E_INTERNAL')
  assert.match(run.error!.message, /fold 0, model 'win'/)
  assert.equal(run.error!.details.model, 'win')
  assert.ok(events.some((e) => e.type === 'stage' && e.stage === 'folds' && e.status === 'failed'))
  assert.deepEqual(events.filter((e) => e.type === 'run').map((e) => e.status), ['running', 'failed'])
  assert.equal(store.listMetrics(run.id).length, 0, 'no metrics under a failed run')
  assert.throws(() => store.saveMetrics(run.id, [{ scope: 'oof', fold: null, model: 'lin', output: 'p_up', name: 'auc', value: 0.5 }]), isCode('E_STORE'))

  await assert.rejects(runPipeline(testConfig(file, { base_models: [{ ...LIN, params: { fail: 'factory_error' } }] }), { store }), isCode('E_PARAM', /fold 0, model 'lin'/))
  assert.equal(store.listRuns()[0].error!.code, 'E_PARAM')
  store.close()
})

test('cancellation mid-fold marks the run cancelled and throws E_CANCELLED', async () => {
  const store = openRunStore({ path: ':memory:' })
  const ac = new AbortController()
  const events: RunEvent[] = []
  const slow = testConfig(await filePromise, { base_models: [{ ...LIN, params: { l2: 50, delay_ms: 5 } }] })
  const onEvent = (e: RunEvent) => {
    events.push(e)
    if (e.type === 'progress' && e.stage === 'folds' && e.fold === 1 && e.epoch === 2) ac.abort()
  }
  await assert.rejects(runPipeline(slow, { store, signal: ac.signal, onEvent }), isCode('E_CANCELLED'))
  const run = store.listRuns()[0]
  assert.equal(run.status, 'cancelled')
  assert.equal(run.error!.code, 'E_CANCELLED')
  assert.ok(events.some((e) => e.type === 'stage' && e.stage === 'folds' && e.status === 'cancelled'))
  assert.ok(!events.some((e) => e.type === 'progress' && e.stage === 'folds' && e.fold === 2), 'nothing ran after the abort')
  assert.equal(store.readOof(run.id, 'lin', 'p_up').fold.every((f) => f === 0), true, 'fold 0 results kept, fold 1 never written')
  store.close()
})
