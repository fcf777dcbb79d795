import { test } from 'node:test'
import assert from 'node:assert/strict'
import { specProblems } from './specs.ts'
import type { EnsembleSpec, InferenceSpec, ModelSpec, PolicySpec } from './specs.ts'
import { ALL_OUTPUT_NAMES, OUTPUT_NAMES, isOutputName, isViewName } from './outputs.ts'

const model: ModelSpec = {
  name: 'tiny_tcn',
  description: 'causal dilated convolutions',
  family: 'sequence',
  inputView: 'window_tensor',
  outputs: ['p_up', 'E_r'],
  needs: { normalization: 'scaled', lookback: 64, earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: { epochs: { type: 'int', default: 10, min: 1 } },
}

test('well-formed specs of every kind pass', () => {
  const ens: EnsembleSpec = { name: 'stacking', description: 'meta-learner on OOF', method: 'stacking', metaLearner: 'logistic', requiresOof: true, supportsHeterogeneous: true, inputs: ['p_up'], outputs: ['p_up'], defaults: {} }
  const inf: InferenceSpec = { name: 'cqr', description: 'conformalised quantile regression', category: 'conformal', inputs: ['q05', 'q95'], outputs: ['q05', 'q95'], requiresHoldout: true, defaults: { alpha: { type: 'number', default: 0.1, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true } } }
  const pol: PolicySpec = { name: 'ppo', description: 'proximal policy optimisation', algorithm: 'ppo', inputs: ['p_up', 'uncertainty'], outputs: ['position_size'], actionSpace: 'continuous', defaults: {} }
  assert.deepEqual(specProblems('model', model), [])
  assert.deepEqual(specProblems('ensemble', ens), [])
  assert.deepEqual(specProblems('inference', inf), [])
  assert.deepEqual(specProblems('policy', pol), [])
})

test('malformed specs are refused with the field named', () => {
  const problems = (over: Record<string, unknown>) => specProblems('model', { ...model, ...over }).join('\n')
  assert.match(problems({ name: 'TinyTCN' }), /name: must be lower_snake_case/)
  assert.match(problems({ outputs: ['p_up', 'uncertainty'] }), /outputs\.1/)
  assert.match(problems({ outputs: ['p_up', 'p_up'] }), /outputs: has duplicates/)
  assert.match(problems({ needs: { normalization: 'scaled' } }), /needs\.lookback: a window_tensor or mtf_bundle model must declare needs\.lookback/)
  assert.match(problems({ family: 'tree' }), /family/)
  assert.match(problems({ extra: 1 }), /extra/)
  assert.match(problems({ defaults: { epochs: { type: 'int', default: 0, min: 1 } } }), /defaults: default of 'epochs': 0 is below the minimum/)
  assert.match(specProblems('policy', { name: 'x' }).join('\n'), /actionSpace/)
})

test('output and view name sets', () => {
  assert.deepEqual([...OUTPUT_NAMES], ['p_up', 'E_r', 'q05', 'q50', 'q95', 'regime_score'])
  assert.equal(ALL_OUTPUT_NAMES.length, 10)
  assert.ok(isOutputName('position_size') && !isOutputName('P_UP'))
  assert.ok(isViewName('window_tensor') && !isViewName('tensor'))
})
