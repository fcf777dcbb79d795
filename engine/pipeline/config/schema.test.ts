import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { defineParams } from '../../contracts/params.ts'
import { registerModel } from '../../registry/index.ts'
import { registryCatalog } from './catalog.ts'
import { formatPath } from './issues.ts'
import { schemaIssues } from './schema.ts'
import type { ConfigIssue } from './types.ts'
import { ensureBaselineModels } from './testing/standIns.ts'

before(ensureBaselineModels)

const baseline = () => parse(readFileSync(new URL('../../../configs/presets/fast_baseline.yaml', import.meta.url), 'utf8'))
const minimal = () => ({ data: { file: 'x.csv', instrument: 'ES' }, base_models: [{ name: 'lightgbm' }] })

function issues(raw: unknown, opts = {}): Map<string, ConfigIssue> {
  const r = schemaIssues(raw, opts)
  return new Map(r.issues.map((i) => [formatPath(i.path), i]))
}

test('defaults: a minimal config is filled in full', () => {
  const { config, issues: found } = schemaIssues(minimal(), { defaultName: 'mini' })
  assert.deepEqual(found, [])
  assert.ok(config)
  assert.equal(config.name, 'mini')
  assert.equal(config.seed, 0)
  assert.equal(config.device, 'auto')
  assert.equal(config.features, 'standard')
  assert.deepEqual(config.regime, {})
  assert.deepEqual(config.labels, {})
  assert.deepEqual(config.splits, { method: 'walk_forward', purge: 60, embargo: 1440, folds: 5, mode: 'expanding' })
  assert.equal(config.base_models[0].id, 'lightgbm')
  assert.equal(config.base_models[0].params.num_leaves, 31)
  assert.deepEqual([config.ensemble, config.inference, config.policy], [null, null, null])
  assert.deepEqual(config.bundle, { create: false })
})

test('default ids: the name, then name_2, name_3 …, skipping ids given explicitly', () => {
  const raw = { ...minimal(), base_models: [{ name: 'lightgbm' }, { name: 'lightgbm', id: 'lightgbm_2' }, { name: 'lightgbm' }, { name: 'logistic' }] }
  const { config } = schemaIssues(raw)
  assert.deepEqual(config?.base_models.map((m) => m.id), ['lightgbm', 'lightgbm_2', 'lightgbm_3', 'logistic'])
})

test('every problem is reported in one pass, each at its own path', () => {
  const raw = baseline()
  raw.seed = 'forty-two'
  raw.device = 'tpu'
  raw.data.instrument = 'ESX'
  raw.data.bar_size = '1 minute'
  raw.regime.n_states = 9
  raw.labels.k_up = -1
  raw.splits.folds = 0
  raw.base_models[1].params.num_leaves = 0
  raw.base_models[1].params.learning_rate = 'fast'
  raw.base_models[0].colour = 'red'
  raw.trainer = {}
  const m = issues(raw)
  assert.deepEqual([...m.keys()].sort(), [
    'base_models[0].colour', 'base_models[1].params.learning_rate', 'base_models[1].params.num_leaves', 'data.bar_size', 'data.instrument',
    'device', 'labels.k_up', 'regime.n_states', 'seed', 'splits.folds', 'trainer',
  ])
  assert.match(m.get('base_models[1].params.num_leaves')!.message, /^0 is below the minimum; valid: integer with 2 ≤ value ≤ \d+/)
  assert.match(m.get('base_models[1].params.learning_rate')!.message, /^'fast' is not a number/)
  assert.match(m.get('seed')!.message, /'forty-two' is not a number; valid: integer with 0 ≤ value ≤ 4294967295/)
  assert.deepEqual(m.get('device')!.valid, ['auto', 'gpu', 'cpu'])
  assert.equal(m.get('device')!.message, "unknown device 'tpu'; known: auto, gpu, cpu")
  assert.ok(m.get('data.instrument')!.valid!.includes('ES'))
  assert.match(m.get('data.instrument')!.message, /^unknown instrument 'ESX'; known: .*ES/)
  assert.ok(m.get('data.bar_size')!.valid!.includes('1m'))
  assert.deepEqual(m.get('regime.n_states')!.valid, [2, 3, 4, 5, 6])
  assert.match(m.get('labels.k_up')!.message, /^must be a number with 0 < value ≤ 50; got -1/)
  assert.equal(m.get('trainer')!.atKey, true)
  assert.match(m.get('trainer')!.message, /^unknown key 'trainer'; known: name, seed, device, data, features, regime, labels, splits, base_models, ensemble, inference, policy, bundle$/)
  assert.match(m.get('base_models[0].colour')!.message, /^unknown key 'colour'; known: name, params, id, lookback, use_regime$/)
})

test('unknown keys are refused at every level, naming the known keys', () => {
  const raw = {
    ...minimal(),
    data: { file: 'x.csv', instrument: 'ES', delimeter: ';', validation: { default: 'raise', chekcs: {} } },
    splits: { folds: 3, purg: 10 },
    labels: { k_upp: 2 },
    regime: { states: 3 },
    features: { set: 'standard', exclud: ['rsi'] },
    bundle: { create: true, folder: 'x' },
    inference: { calibrate: [], uncertain: {} },
  }
  const m = issues(raw)
  for (const p of ['data.delimeter', 'data.validation.chekcs', 'splits.purg', 'labels.k_upp', 'regime.states', 'features.exclud', 'bundle.folder', 'inference.uncertain'])
    assert.ok(m.has(p), `missing issue at ${p}; got ${[...m.keys()].join(', ')}`)
  assert.ok(m.get('splits.purg')!.valid!.includes('purge'))
  assert.ok(m.get('data.delimeter')!.valid!.includes('delimiter'))
  assert.ok(m.get('labels.k_upp')!.valid!.includes('k_up'))
})

test('components not registered are unknown, with the known list or "(none yet)"', () => {
  const catalog = { ...registryCatalog(), ensembles: [], inference: [], policies: [] }
  const raw = { ...minimal(), ensemble: { name: 'stacking', meta_learner: { name: 'ridge' } }, inference: { calibrate: [{ name: 'isotonic' }], uncertainty: { name: 'cqr' } }, policy: { name: 'ppo' } }
  const m = issues(raw, { catalog })
  assert.equal(m.get('ensemble.name')!.message, "unknown ensemble 'stacking'; known: (none yet)")
  assert.match(m.get('ensemble.meta_learner.name')!.message, /^unknown meta-learner model 'ridge'; known: .*lightgbm, logistic/)
  assert.equal(m.get('inference.calibrate[0].name')!.message, "unknown calibrator 'isotonic'; known: (none yet)")
  assert.equal(m.get('inference.uncertainty.name')!.message, "unknown uncertainty method 'cqr'; known: (none yet)")
  assert.equal(m.get('policy.name')!.message, "unknown policy 'ppo'; known: (none yet)")
  const model = issues({ ...minimal(), base_models: [{ name: 'lgbm' }] }).get('base_models[0].name')!
  assert.match(model.message, /^unknown model 'lgbm'; known: .*lightgbm/)
  assert.ok(model.valid!.includes('lightgbm') && model.valid!.includes('logistic'))
})

test('the model enum and params are read from the registry at call time', () => {
  const raw = { ...minimal(), base_models: [{ name: 'late_plugin', params: { depth: 0 } }] }
  assert.match(issues(raw).get('base_models[0].name')!.message, /unknown model 'late_plugin'/)
  registerModel(
    { name: 'late_plugin', description: 'registered after the first parse', family: 'tabular', inputView: 'feature_matrix', outputs: ['p_up'], needs: { normalization: 'any' }, isCausal: true, zeroShot: false, defaults: defineParams({ depth: { type: 'int', default: 3, min: 1, max: 12 } }) },
    () => {
      throw new Error('not built')
    },
  )
  const m = issues(raw)
  assert.deepEqual([...m.keys()], ['base_models[0].params.depth'])
  assert.deepEqual(m.get('base_models[0].params.depth')!.valid, [1, 12])
  const ok = schemaIssues({ ...raw, base_models: [{ name: 'late_plugin' }] })
  assert.deepEqual(ok.config?.base_models[0].params, { depth: 3 })
})

test('data sub-blocks are judged by their own validators', () => {
  const m = issues({
    ...minimal(),
    data: { file: 'x.csv', instrument: 'ES', bar_size: '5m', resample_to: '7m', timezone: 'Mars/Olympus', validation: { checks: { gaps: 'drop' } } },
    features: { set: 'fancy' },
    labels: { timeout_label: 'maybe' },
  })
  assert.match(m.get('data.resample_to')!.message, /cannot resample 5m bars to 7m/)
  assert.ok(m.has('data.timezone'))
  assert.deepEqual(m.get('data.validation.checks.gaps')!.valid, ['raise', 'warn'])
  assert.match(m.get('data.validation.checks.gaps')!.message, /a gap has no rows to drop/)
  assert.match(m.get('features.set')!.message, /^unknown feature set 'fancy'; known: minimal, standard, full/)
  assert.deepEqual(m.get('labels.timeout_label')!.valid, ['zero', 'sign'])
  // cost_ticks defaults from the instrument, so a labels block without it is fine
  assert.deepEqual(schemaIssues({ ...minimal(), labels: { k_up: 1.5 } }).issues, [])
  // a bad instrument does not also surface as a missing labels.cost_ticks
  assert.deepEqual([...issues({ ...minimal(), data: { file: 'x', instrument: 'ZZ' } }).keys()], ['data.instrument'])
  assert.match(issues({ ...minimal(), data: { instrument: 'ES' } }).get('data.file')!.message, /^is required/)
})

test('splits: method-specific keys, rolling needs train_bars, CPCV limits', () => {
  const m = issues({ ...minimal(), splits: { method: 'cpcv', folds: 3, groups: 4, test_groups: 4 } })
  assert.match(m.get('splits.folds')!.message, /applies to splits method walk_forward only/)
  assert.match(m.get('splits.test_groups')!.message, /not below splits.groups/)
  assert.match(issues({ ...minimal(), splits: { mode: 'rolling' } }).get('splits.train_bars')!.message, /required when splits.mode is 'rolling'/)
  assert.match(issues({ ...minimal(), splits: { method: 'cpcv', groups: 20, test_groups: 10 } }).get('splits.groups')!.message, /C\(20,10\) = 184756/)
  const method = issues({ ...minimal(), splits: { method: 'kfold' } }).get('splits.method')!
  assert.deepEqual(method.valid, ['walk_forward', 'cpcv'])
  const cpcv = schemaIssues({ ...minimal(), splits: { method: 'cpcv', purge: 10 } }).config!.splits
  assert.deepEqual(cpcv, { method: 'cpcv', purge: 10, embargo: 1440, groups: 6, test_groups: 2 })
})

test('a config that is not a mapping, or lacks base models, is refused clearly', () => {
  assert.match(schemaIssues([1, 2]).issues[0].message, /must be a mapping/)
  assert.equal(issues({ ...minimal(), base_models: [] }).get('base_models')!.message, 'at least one base model is required')
  assert.match(issues({ data: minimal().data }).get('base_models')!.message, /^is required/)
  assert.match(issues({ ...minimal(), regime: true }).get('regime')!.message, /or false to turn the regime filter off/)
  assert.deepEqual(schemaIssues({ ...minimal(), regime: false }).config!.regime, false)
})
