import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../contracts/errors.ts'
import { configHash, openRunStore } from './runStore.ts'
import type { RunStore } from './runStore.ts'

function memStore(): RunStore {
  let t = 1_700_000_000_000
  return openRunStore({ path: ':memory:', now: () => t++ })
}

function storeError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof FactoryError && e.code === 'E_STORE' && re.test(e.message), String(re))
}

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i)

test('runs: create with config, move through statuses, list newest first', () => {
  const s = memStore()
  const yaml = 'seed: 7\nbase_models: [logistic]\n'
  const a = s.createRun({ name: 'baseline', configYaml: yaml, seed: 7, backend: 'wasm', device: 'cpu x2', dataFingerprint: 'sha256:abc' })
  assert.equal(a.status, 'queued')
  assert.equal(a.configHash, configHash(yaml))
  assert.equal(s.getConfig(a.configHash!), yaml)
  assert.equal(s.saveConfig(yaml), a.configHash) // same text, same row
  assert.equal(s.db.prepare('SELECT count(*) AS c FROM run_configs').pluck().get(), 1)

  const running = s.setRunStatus(a.id, 'running')
  assert.ok(running.startedAt !== null && running.finishedAt === null)
  const done = s.setRunStatus(a.id, 'finished', { summary: { auc: 0.51, folds: 5 } })
  assert.equal(done.status, 'finished')
  assert.ok(done.finishedAt! > done.startedAt!)
  assert.deepEqual(s.getRun(a.id), { ...done, summary: { auc: 0.51, folds: 5 } })
  storeError(() => s.setRunStatus(a.id, 'running'), /run 1 is finished and cannot become running \(it is over\)/)
  storeError(() => s.setRunStatus(99, 'running'), /run 99 does not exist \(latest run is 1\)/)

  const b = s.createRun({ name: 'second', status: 'running' })
  const err = { code: 'E_SHAPE' as const, message: 'boom', details: { value: 3 } }
  assert.deepEqual(s.setRunStatus(b.id, 'failed', { error: err }).error, err)
  assert.deepEqual(s.listRuns().map((r) => r.id), [b.id, a.id])
  assert.deepEqual(s.listRuns({ status: 'failed' }).map((r) => r.name), ['second'])
  assert.deepEqual(s.listRuns({ limit: 1, offset: 1 }).map((r) => r.id), [a.id])
  assert.equal(s.getRun(12345), undefined)
  s.close()
})

test('OOF predictions round-trip typed arrays bit for bit, across folds in bar order', () => {
  const s = memStore()
  const run = s.createRun({ name: 'r', status: 'running' })
  s.saveFolds(run.id, [
    { fold: 0, role: 'cv', train: [{ start: 0, end: 100 }], test: [{ start: 160, end: 200 }], purged: 60, embargoed: 0 },
    { fold: 1, role: 'cv', train: [{ start: 0, end: 150 }], test: [{ start: 210, end: 250 }] },
    { fold: 2, role: 'final', train: [{ start: 0, end: 200 }], test: [{ start: 300, end: 320 }] },
  ])
  assert.deepEqual(s.listFolds(run.id)[0], { fold: 0, role: 'cv', train: [{ start: 0, end: 100 }], test: [{ start: 160, end: 200 }], purged: 60, embargoed: 0 })

  const v0 = new Float64Array(40).map((_, i) => Math.sin(i) / 3)
  v0[3] = Number.NaN
  v0[4] = -0
  v0[5] = Number.MIN_VALUE // subnormal
  v0[6] = Number.POSITIVE_INFINITY
  const ts0 = new Float64Array(40).map((_, i) => 1_600_000_000_000 + (160 + i) * 60_000)
  s.saveOof(run.id, { model: 'logistic', output: 'p_up', fold: 0, barIndex: range(160, 200), values: v0, ts: ts0 })
  // a window model skips warm-up bars: non-contiguous indices are stored explicitly
  const idx1 = Int32Array.from([212, 213, 220, 249])
  const v1 = Float64Array.from([0.1, 0.2, 0.3, 0.4])
  s.saveOof(run.id, { model: 'logistic', output: 'p_up', fold: 1, barIndex: idx1, values: v1, ts: new Float64Array(4).fill(7) })
  const stored = s.db.prepare('SELECT fold, bar_index IS NULL AS contiguous FROM oof_predictions ORDER BY fold').all()
  assert.deepEqual(stored, [{ fold: 0, contiguous: 1 }, { fold: 1, contiguous: 0 }])

  const all = s.readOof(run.id, 'logistic', 'p_up')
  assert.ok(all.values instanceof Float64Array)
  assert.deepEqual([...all.barIndex], [...range(160, 200), ...idx1])
  assert.deepEqual([...all.fold], [...new Array(40).fill(0), 1, 1, 1, 1])
  assert.ok(Object.is(all.values[4], -0) && Number.isNaN(all.values[3]) && all.values[5] === Number.MIN_VALUE)
  assert.deepEqual(Buffer.from(all.values.buffer), Buffer.concat([Buffer.from(v0.buffer), Buffer.from(v1.buffer)]))
  assert.deepEqual(all.ts!.subarray(0, 40), ts0)
  assert.deepEqual(s.readOof(run.id, 'logistic', 'p_up', { fold: 1 }).values, v1)

  // float32 stays float32; the final-test role is read separately
  const f32 = Float32Array.from([0.25, 1 / 3, -1e-40, Number.NaN])
  s.saveOof(run.id, { model: 'tcn', output: 'q05', fold: 2, barIndex: range(300, 304), values: f32 })
  const fin = s.readOof(run.id, 'tcn', 'q05', { role: 'final' })
  assert.ok(fin.values instanceof Float32Array)
  assert.deepEqual(Buffer.from(fin.values.buffer), Buffer.from(f32.buffer))
  assert.equal(fin.ts, null)
  storeError(() => s.readOof(run.id, 'tcn', 'q05'), /no cv predictions of tcn\/q05; stored: logistic\/p_up, tcn\/q05/)
  s.close()
})

test('OOF writes that would leak or misalign are refused', () => {
  const s = memStore()
  const run = s.createRun({ name: 'r', status: 'running' })
  s.saveFolds(run.id, [{ fold: 0, role: 'cv', train: [{ start: 0, end: 100 }], test: [{ start: 100, end: 110 }] }])
  const w = { model: 'm', output: 'p_up', fold: 0, values: new Float64Array(10) }
  storeError(() => s.saveOof(run.id, { ...w, barIndex: range(95, 105) }), /bar 95 \(row 0\) is outside the fold's test span/)
  storeError(() => s.saveOof(run.id, { ...w, barIndex: range(101, 111) }), /bar 110 \(row 9\) is outside/)
  storeError(() => s.saveOof(run.id, { ...w, barIndex: Int32Array.from([100, 101, 101, 103, 104, 105, 106, 107, 108, 109]) }), /must increase strictly; row 2 has 101 after 101/)
  storeError(() => s.saveOof(run.id, { ...w, barIndex: range(100, 105) }), /barIndex must be an Int32Array of 10 indices/)
  storeError(() => s.saveOof(run.id, { ...w, fold: 3, barIndex: range(100, 110) }), /save fold 3 first/)
  s.saveOof(run.id, { ...w, barIndex: range(100, 110) })
  storeError(() => s.saveOof(run.id, { ...w, barIndex: range(100, 110) }), /already saved/)
  storeError(() => s.saveFolds(run.id, [{ fold: 0, role: 'cv', train: [], test: [] }]), /fold 0 of run 1 is already saved/)
  storeError(() => s.saveFolds(run.id, [{ fold: 1, role: 'cv', train: [{ start: 5, end: 5 }], test: [] }]), /fold 1 train ranges must be ascending/)
  s.close()
})

test('metrics upsert by key, NaN round-trips, filters work; results freeze when a run is over', () => {
  const s = memStore()
  const run = s.createRun({ name: 'r', status: 'running' })
  s.saveMetrics(run.id, [
    { scope: 'oof', fold: null, model: 'logistic', output: 'p_up', name: 'auc', value: 0.5 },
    { scope: 'fold', fold: 0, model: 'logistic', output: 'p_up', name: 'auc', value: 0.49 },
    { scope: 'test', fold: null, model: null, output: 'p_up', name: 'auc', value: Number.NaN },
  ])
  s.saveMetrics(run.id, [{ scope: 'oof', fold: null, model: 'logistic', output: 'p_up', name: 'auc', value: 0.52 }])
  const all = s.listMetrics(run.id)
  assert.equal(all.length, 3)
  assert.deepEqual(s.listMetrics(run.id, { scope: 'oof' }), [{ scope: 'oof', fold: null, model: 'logistic', output: 'p_up', name: 'auc', value: 0.52 }])
  assert.ok(Number.isNaN(s.listMetrics(run.id, { scope: 'test' })[0].value))
  assert.deepEqual(s.listMetrics(run.id, { fold: 0 }).map((m) => m.value), [0.49])

  const sha = 'a'.repeat(64)
  const art = s.addArtifact(run.id, { kind: 'weights', path: 'models/logistic.json', sha256: sha, bytes: 120 })
  assert.equal(art.runId, run.id)
  s.addArtifact(run.id, { kind: 'weights', path: 'models/logistic.json', sha256: 'b'.repeat(64), bytes: 121 })
  assert.deepEqual(s.listArtifacts(run.id).map((a) => [a.path, a.bytes]), [['models/logistic.json', 121]])
  storeError(() => s.addArtifact(run.id, { kind: 'x', path: 'p', sha256: 'XYZ', bytes: 1 }), /sha256 must be 64 lowercase hex digits/)

  s.setRunStatus(run.id, 'finished')
  storeError(() => s.saveMetrics(run.id, [{ scope: 'oof', fold: null, model: null, output: null, name: 'x', value: 1 }]), /run 1: it is finished and its results are frozen|for run 1: it is finished/)
  storeError(() => s.saveFolds(run.id, [{ fold: 5, role: 'cv', train: [{ start: 0, end: 1 }], test: [{ start: 2, end: 3 }] }]), /frozen/)
  s.addArtifact(run.id, { kind: 'bundle', path: 'bundle.tar.gz', sha256: sha, bytes: 10 }) // allowed after the end
  s.close()
})

test('a caller transaction groups writes: a throw rolls them all back', () => {
  const s = memStore()
  const run = s.createRun({ name: 'r', status: 'running' })
  assert.throws(() =>
    s.transaction(() => {
      s.saveMetrics(run.id, [{ scope: 'test', fold: null, model: null, output: null, name: 'auc', value: 0.6 }])
      s.setRunStatus(run.id, 'finished')
      throw new Error('crash between the last metric and the status change')
    }),
  )
  assert.equal(s.getRun(run.id)!.status, 'running')
  assert.deepEqual(s.listMetrics(run.id), [])
  s.close()
})
