import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { FactoryError } from '../../contracts/errors.ts'
import { ensembleRegistry, inferenceRegistry, modelRegistry, policyRegistry } from '../../registry/index.ts'
import { parsePipelineYaml } from './loadYaml.ts'
import type { LocatedIssue } from './validate.ts'
import { ensureBaselineModels, standIns } from './testing/standIns.ts'

const preset = (name: string) => new URL(`../../../configs/presets/${name}.yaml`, import.meta.url)
const read = (name: string) => readFileSync(preset(name), 'utf8')

before(async () => {
  await ensureBaselineModels()
  if (standIns.length) console.log(`# stand-in specs used for: ${standIns.join(', ')}`)
})

function errorsOf(text: string, file: string): LocatedIssue[] {
  try {
    parsePipelineYaml(text, file)
  } catch (e) {
    assert.ok(e instanceof FactoryError)
    assert.equal(e.code, 'E_CONFIG')
    return e.details.errors as LocatedIssue[]
  }
  return []
}

const UNKNOWN = /^unknown (model|ensemble|gate|calibrator|uncertainty method|policy|meta-learner model) '([a-z0-9_]+)'; known: /

/** Each error must be "unknown X 'name'", and the set of unknown names is returned. */
function onlyUnknown(errors: LocatedIssue[]): string[] {
  assert.ok(errors.length > 0, 'expected the preset to fail while its components are missing')
  return errors.map((e) => {
    const m = UNKNOWN.exec(e.message)
    assert.ok(m, `not an "unknown …" error: ${e.path}: ${e.message}`)
    return m[2]
  })
}

const registered = (n: string) => modelRegistry.has(n) || ensembleRegistry.has(n) || inferenceRegistry.has(n) || policyRegistry.has(n)

test('fast_baseline validates, with its params filled from the specs', () => {
  const { config, hash } = parsePipelineYaml(read('fast_baseline'), 'fast_baseline.yaml')
  assert.equal(config.name, 'fast_baseline')
  assert.equal(config.seed, 42)
  assert.deepEqual(config.base_models.map((m) => [m.id, m.name]), [['logit', 'logistic'], ['lgbm', 'lightgbm']])
  assert.equal(config.base_models[0].params.c, 1)
  assert.equal(config.base_models[1].params.learning_rate, 0.05)
  // every declared param present after filling
  for (const m of config.base_models) assert.deepEqual(Object.keys(m.params).sort(), Object.keys(modelRegistry.spec(m.name).defaults).sort())
  assert.deepEqual(config.splits, { method: 'walk_forward', mode: 'expanding', folds: 5, purge: 60, embargo: 1440, test_fraction: 0.2 })
  assert.equal(config.ensemble, null)
  assert.equal(config.inference, null)
  assert.equal(config.policy, null)
  assert.deepEqual(config.bundle, { create: false })
  assert.match(hash, /^[0-9a-f]{64}$/)
})

test('heterogeneous fails only because tcn, patchtst, stacking and isotonic are not registered yet', () => {
  const errors = errorsOf(read('heterogeneous'), 'heterogeneous.yaml')
  const expected = ['tcn', 'patchtst', 'stacking', 'isotonic'].filter((n) => !registered(n))
  if (expected.length === 0) return assert.deepEqual(errors, [])
  assert.deepEqual(onlyUnknown(errors), expected)
  const stacking = errors.find((e) => e.path === 'ensemble.name')
  if (stacking && ensembleRegistry.size === 0) assert.equal(stacking.message, "unknown ensemble 'stacking'; known: (none yet)")
  for (const e of errors) assert.match(`${e.file}:${e.line}:${e.column}`, /^heterogeneous\.yaml:\d+:\d+$/)
})

test('full_stack fails only with "unknown …" for the components later issues add', () => {
  const errors = errorsOf(read('full_stack'), 'full_stack.yaml')
  const named = ['xgboost', 'catboost', 'tcn', 'lstm', 'patchtst', 'stacking', 'regime_gate', 'temperature_scaling', 'isotonic', 'cqr', 'ppo']
  const expected = named.filter((n) => !registered(n))
  if (expected.length === 0) return assert.deepEqual(errors, [])
  assert.deepEqual(onlyUnknown(errors), expected)
  const paths = errors.map((e) => e.path)
  if (!registered('cqr')) assert.ok(paths.includes('inference.uncertainty.name'))
  if (!registered('ppo')) assert.ok(paths.includes('policy.name'))
  if (!registered('regime_gate')) assert.ok(paths.includes('ensemble.gating.name'))
})
