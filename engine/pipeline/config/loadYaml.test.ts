import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FactoryError } from '../../contracts/errors.ts'
import { configHash as storeHash } from '../../store/runStore.ts'
import { configHash, configToYaml, loadPipelineFile, parsePipelineYaml } from './loadYaml.ts'
import type { LocatedIssue } from './validate.ts'
import { ensureBaselineModels, registerTestComponents } from './testing/standIns.ts'

before(async () => {
  await ensureBaselineModels()
  registerTestComponents()
})

const fastBaseline = readFileSync(new URL('../../../configs/presets/fast_baseline.yaml', import.meta.url), 'utf8')

function fail(fn: () => unknown): FactoryError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof FactoryError, String(e))
    return e
  }
  assert.fail('expected a FactoryError')
}

const MINI = `data:
  file: x.csv
  instrument: ES
base_models:
  - name: lightgbm
    params:
      num_leaves: 0
`

test('a bad param is located at its value: file:line:column path: message, with details', () => {
  const e = fail(() => parsePipelineYaml(MINI, 'mini.yaml'))
  assert.equal(e.code, 'E_CONFIG')
  assert.match(e.message, /^mini\.yaml:7:19 base_models\[0\]\.params\.num_leaves: 0 is below the minimum; valid: integer with 2 ≤ value ≤ \d+$/)
  assert.equal(e.details.file, 'mini.yaml')
  assert.equal(e.details.line, 7)
  assert.equal(e.details.column, 19)
  assert.equal(e.details.path, 'base_models[0].params.num_leaves')
  assert.equal(e.details.value, 0)
  assert.equal((e.details.valid as number[])[0], 2)
  const errors = e.details.errors as LocatedIssue[]
  assert.equal(errors.length, 1)
  assert.equal(errors[0].code, 'E_CONFIG')
})

test('an unknown key is located at the key; a missing key at its parent', () => {
  const unknown = fail(() => parsePipelineYaml(MINI.replace('num_leaves: 0', 'num_leaves: 8') + '    colour: red\n', 'p.yaml'))
  assert.match(unknown.message, /^p\.yaml:8:5 base_models\[0\]\.colour: unknown key 'colour'; known: name, params, id, lookback, use_regime$/)
  const missing = fail(() => parsePipelineYaml(MINI.replace('  file: x.csv\n', ''), 'p.yaml'))
  assert.match(missing.message.split('\n')[0], /^p\.yaml:2:3 data\.file: is required/)
})

test('every issue is collected, sorted by position; the message shows the first five', () => {
  const text = `seed: -3
device: tpu
data:
  file: x.csv
  instrument: ESX
  bar_size: 7q
splits:
  folds: 0
  method: kfold
labels:
  k_up: -1
base_models:
  - name: lgbm
`
  const e = fail(() => parsePipelineYaml(text, 'many.yaml'))
  const errors = e.details.errors as LocatedIssue[]
  assert.deepEqual(errors.map((x) => `${x.line}:${x.column} ${x.path}`), [
    '1:7 seed', '2:9 device', '5:15 data.instrument', '6:13 data.bar_size', '8:10 splits.folds', '9:11 splits.method', '11:9 labels.k_up', '13:11 base_models[0].name',
  ])
  const lines = e.message.split('\n')
  assert.equal(lines.length, 6)
  assert.equal(lines[5], '… and 3 more (details.errors lists all 8)')
  assert.equal(e.details.path, 'seed')
  assert.equal(e.details.line, 1)
})

test('YAML syntax errors: tabs, unclosed brackets, duplicate keys, bad aliases, empty files', () => {
  const tab = fail(() => parsePipelineYaml('data:\n\tfile: x.csv\n', 't.yaml'))
  assert.match(tab.message, /^t\.yaml:2:1 data: YAML syntax: Tabs are not allowed as indentation \(indent with spaces\)/)
  const flow = fail(() => parsePipelineYaml('data:\n  file: x.csv\nbase_models: [ { name: lightgbm }\n', 'f.yaml'))
  assert.match(flow.message, /^f\.yaml:\d+:\d+ .*YAML syntax: /)
  const dup = fail(() => parsePipelineYaml('seed: 1\nseed: 2\n', 'd.yaml'))
  assert.match(dup.message, /^d\.yaml:2:1 seed: YAML syntax: Map keys must be unique/)
  const alias = fail(() => parsePipelineYaml('data: *nothing\n', 'a.yaml'))
  assert.match(alias.message, /^a\.yaml:1:1 \(root\): YAML could not be read/)
  for (const empty of ['', '# only a comment\n']) {
    const e = fail(() => parsePipelineYaml(empty, 'e.yaml'))
    assert.match(e.message, /^e\.yaml:1:1 \(root\): the config is empty/)
  }
  for (const e of [tab, flow, dup, alias]) assert.equal(e.code, 'E_CONFIG')
})

test('compatibility issues are located too, marked E_INCOMPATIBLE inside details.errors', () => {
  const text = `data:
  file: x.csv
  instrument: ES
labels:
  horizon: 3000
base_models:
  - name: logistic
inference:
  uncertainty:
    name: test_cqr
`
  const e = fail(() => parsePipelineYaml(text, 'c.yaml'))
  assert.equal(e.code, 'E_CONFIG')
  const errors = e.details.errors as LocatedIssue[]
  assert.deepEqual(errors.map((x) => [x.line, x.column, x.path, x.code]), [
    [5, 12, 'labels.horizon', 'E_INCOMPATIBLE'],
    [10, 11, 'inference.uncertainty.name', 'E_INCOMPATIBLE'],
  ])
})

test('configToYaml round-trips: parse(toYaml(config)) gives the same config', () => {
  const rich = `name: rich
data: { file: x.csv, instrument: NQ, bar_size: 1m, resample_to: 5m, validation: { checks: { gaps: warn } } }
features: { set: minimal, include: [rsi] }
regime: false
labels: { k_up: 1.5, horizon: 30, optimise: { enabled: true, bounds: { horizon: [10, 60] } } }
splits: { method: cpcv, groups: 5, test_groups: 2 }
base_models:
  - { name: test_quantile }
  - { name: test_window, lookback: 16, params: { hidden: 8 } }
  - { name: logistic, params: { c: 0.5 } }
inference: { calibrate: [ { name: test_platt } ], uncertainty: { name: test_cqr, coverage: 0.8 } }
policy: { name: test_sizer }
bundle: { create: true, dir: out/b }
`
  for (const [text, file] of [[fastBaseline, 'fast_baseline.yaml'], [rich, 'rich.yaml']]) {
    const a = parsePipelineYaml(text, file).config
    const again = parsePipelineYaml(configToYaml(a), 'again.yaml').config
    assert.deepEqual(again, a)
  }
})

test('configHash is the run store key of the exact text', () => {
  const p = parsePipelineYaml(fastBaseline, 'fast_baseline.yaml')
  assert.equal(p.hash, storeHash(fastBaseline))
  assert.equal(configHash(fastBaseline), storeHash(fastBaseline))
  assert.notEqual(configHash(fastBaseline + '\n'), p.hash)
  assert.equal(p.text, fastBaseline)
})

test('loadPipelineFile: missing file names the path; data.file resolves against the working directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'))
  const nf = fail(() => loadPipelineFile('configs/nope.yaml', { cwd: dir }))
  assert.equal(nf.code, 'E_FILE_NOT_FOUND')
  assert.match(nf.message, /config file not found: configs\/nope\.yaml \(looked for .*cfg-.*\/configs\/nope\.yaml\)/)

  mkdirSync(path.join(dir, 'configs'))
  mkdirSync(path.join(dir, 'data'))
  writeFileSync(path.join(dir, 'data', 'bars.csv'), 'timestamp,open,high,low,close,volume\n')
  writeFileSync(path.join(dir, 'configs', 'p.yaml'), 'data:\n  file: data/bars.csv\n  instrument: ES\nbase_models:\n  - name: logistic\n')
  const ok = loadPipelineFile('configs/p.yaml', { cwd: dir })
  assert.equal(ok.config.data.file, path.join(dir, 'data', 'bars.csv'), 'relative to the working directory, not to configs/')
  assert.equal(ok.config.name, 'p')
  assert.equal(ok.path, path.join(dir, 'configs', 'p.yaml'))

  const missing = fail(() => loadPipelineFile('configs/p.yaml', { cwd: path.join(dir, 'data') }))
  assert.equal(missing.code, 'E_FILE_NOT_FOUND') // the config itself is not found from data/
  writeFileSync(path.join(dir, 'configs', 'q.yaml'), 'data:\n  file: data/absent.csv\n  instrument: ES\nbase_models:\n  - name: logistic\n')
  const absent = fail(() => loadPipelineFile('configs/q.yaml', { cwd: dir }))
  assert.equal(absent.code, 'E_CONFIG')
  assert.match(absent.message, /^configs\/q\.yaml:2:9 data\.file: data file not found: .*data\/absent\.csv; a relative data\.file is resolved against the working directory/)
  // the CLI's --data replaces data.file; the stored text is unchanged
  const over = loadPipelineFile('configs/q.yaml', { cwd: dir, dataFile: 'data/bars.csv' })
  assert.equal(over.config.data.file, path.join(dir, 'data', 'bars.csv'))
  assert.match(over.text, /absent\.csv/)
})
