import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../contracts/errors.ts'
import type { ModelSpec } from '../contracts/specs.ts'
import { Registry } from './registry.ts'
import { findInference, findModels, inferenceRegistry, modelRegistry, registerInference, registerModel } from './index.ts'

function code(fn: () => unknown): FactoryError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof FactoryError)
    return e
  }
  assert.fail('expected a FactoryError')
}

const noFactory = () => {
  throw new Error('not built in these tests')
}

test('generic registry: register, has, get, list sorted, duplicates refused', () => {
  const r = new Registry<{ name: string; tags: string[] }, () => number>('widget')
  r.register({ name: 'zeta', tags: ['a'] }, () => 1)
  r.register({ name: 'alpha', tags: ['b'] }, () => 2)
  assert.ok(r.has('zeta') && !r.has('beta'))
  assert.equal(r.get('alpha').factory(), 2)
  assert.deepEqual(r.names(), ['alpha', 'zeta'])
  assert.deepEqual(r.list().map((s) => s.name), ['alpha', 'zeta'])
  assert.deepEqual(r.list((s) => s.tags.includes('a')).map((s) => s.name), ['zeta'])
  const dup = code(() => r.register({ name: 'zeta', tags: [] }, () => 3))
  assert.equal(dup.code, 'E_REGISTRY')
  assert.match(dup.message, /widget 'zeta' is already registered/)
  assert.equal(r.get('zeta').factory(), 1)
})

test('unknown names list the known ones, naming the kind and the config path', () => {
  const r = new Registry<{ name: string }, () => void>('model')
  r.register({ name: 'logistic' }, () => {})
  r.register({ name: 'lightgbm' }, () => {})
  const e = code(() => r.get('lgbm', 'base_models[0].name'))
  assert.equal(e.code, 'E_UNKNOWN_NAME')
  assert.equal(e.message, "unknown model 'lgbm'; known: lightgbm, logistic")
  assert.deepEqual(e.details.valid, ['lightgbm', 'logistic'])
  assert.equal(e.details.path, 'base_models[0].name')
})

test('registered specs are JSON copies, frozen against later mutation by the plug-in', () => {
  const r = new Registry<{ name: string; outputs: string[] }, () => void>('model')
  const spec = { name: 'm', outputs: ['p_up'] }
  r.register(spec, () => {})
  spec.outputs.push('E_r')
  assert.deepEqual(r.get('m').spec.outputs, ['p_up'])
  assert.throws(() => (r.get('m').spec.outputs as string[]).push('q05'), TypeError)
  assert.deepEqual(JSON.parse(JSON.stringify(r.list())), [{ name: 'm', outputs: ['p_up'] }])
})

const tabular: ModelSpec = {
  name: 'test_linear',
  description: 'test entry',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up'],
  needs: { normalization: 'scaled' },
  isCausal: true,
  zeroShot: false,
  defaults: { l2: { type: 'number', default: 1, min: 0 } },
}

test('the model registry refuses malformed specs and answers capability queries', () => {
  registerModel(tabular, noFactory)
  registerModel({ ...tabular, name: 'test_seq', family: 'sequence', inputView: 'window_tensor', outputs: ['p_up', 'q05', 'q95'], needs: { normalization: 'scaled', lookback: 32 } }, noFactory)
  registerModel({ ...tabular, name: 'test_foundation', family: 'foundation', outputs: ['q05', 'q50', 'q95'], zeroShot: true, needsGpu: true, needs: { normalization: 'raw' } }, noFactory)

  const bad = code(() => registerModel({ ...tabular, name: 'bad_one', outputs: ['position_size'] } as unknown as ModelSpec, noFactory))
  assert.equal(bad.code, 'E_REGISTRY')
  assert.match(bad.message, /invalid model spec 'bad_one': outputs\.0/)
  assert.ok(!modelRegistry.has('bad_one'))

  const names = (specs: { name: string }[]) => specs.map((s) => s.name)
  assert.deepEqual(names(findModels()), ['test_foundation', 'test_linear', 'test_seq'])
  assert.deepEqual(names(findModels({ outputs: ['q05', 'q95'] })), ['test_foundation', 'test_seq'])
  assert.deepEqual(names(findModels({ outputs: ['p_up'], inputView: 'feature_matrix' })), ['test_linear'])
  assert.deepEqual(names(findModels({ family: 'sequence' })), ['test_seq'])
  assert.deepEqual(names(findModels({ zeroShot: true })), ['test_foundation'])
  assert.deepEqual(names(findModels({ needsGpu: false })), ['test_linear', 'test_seq'])
})

test('inference queries: only methods whose inputs exist upstream', () => {
  const base = { description: 'x', defaults: {}, requiresHoldout: true } as const
  registerInference({ ...base, name: 'test_cqr', category: 'conformal', inputs: ['q05', 'q95'], outputs: ['q05', 'q95'] }, noFactory)
  registerInference({ ...base, name: 'test_isotonic', category: 'calibration', inputs: ['p_up'], outputs: ['p_up'] }, noFactory)
  assert.deepEqual(findInference({ available: ['p_up', 'E_r'] }).map((s) => s.name), ['test_isotonic'])
  assert.deepEqual(findInference({ category: 'conformal' }).map((s) => s.name), ['test_cqr'])
  assert.deepEqual(findInference({ produces: 'q95', available: ['p_up', 'q05', 'q95'] }).map((s) => s.name), ['test_cqr'])
  assert.match(code(() => inferenceRegistry.get('platt')).message, /^unknown inference method 'platt'; known: test_cqr, test_isotonic$/)
})
