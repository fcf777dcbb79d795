import { defineParams } from '../../../contracts/params.ts'
import type { EnsembleSpec, InferenceSpec, ModelSpec, PolicySpec } from '../../../contracts/specs.ts'
import { modelRegistry, registerEnsemble, registerInference, registerModel, registerPolicy } from '../../../registry/index.ts'

/**
 * Test-only specs. The config tests need `logistic` and `lightgbm` (what fast_baseline names): the
 * real plug-ins are loaded when they import cleanly, and a stand-in spec with the preset's
 * parameters fills any gap, so these tests do not wait on (or break with) the model files.
 * Factories throw: the config layer never builds components.
 */

const noFactory = () => {
  throw new Error('test-only spec: not buildable')
}

export const STAND_IN_LIGHTGBM: ModelSpec = {
  name: 'lightgbm',
  description: 'test stand-in for the histogram GBDT',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up'],
  needs: { normalization: 'any', earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    num_leaves: { type: 'int', default: 31, min: 2, max: 131072 },
    learning_rate: { type: 'number', default: 0.1, min: 0, max: 1, exclusiveMin: true, log: true },
    n_estimators: { type: 'int', default: 100, min: 1, max: 100000 },
    early_stopping_rounds: { type: 'int', default: null, nullable: true, min: 1 },
  }),
}

export const STAND_IN_LOGISTIC: ModelSpec = {
  name: 'logistic',
  description: 'test stand-in for L2 logistic regression',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up'],
  needs: { normalization: 'scaled' },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({ c: { type: 'number', default: 1, min: 0, exclusiveMin: true, log: true } }),
}

/** Which of logistic/lightgbm are stand-ins in this process (for messages and the report). */
export const standIns: string[] = []

export async function ensureBaselineModels(): Promise<void> {
  try {
    await import('../../../models/index.ts')
  } catch {
    /* a model file still being written: the stand-ins below cover it */
  }
  for (const spec of [STAND_IN_LOGISTIC, STAND_IN_LIGHTGBM]) {
    if (modelRegistry.has(spec.name)) continue
    registerModel(spec, noFactory)
    standIns.push(spec.name)
  }
}

// ---- extra test-only components, named test_* so they never collide with real plug-ins ----

export const TEST_WINDOW: ModelSpec = {
  name: 'test_window', description: 'window model', family: 'sequence', inputView: 'window_tensor', outputs: ['p_up'],
  needs: { normalization: 'scaled', lookback: 64 }, isCausal: true, zeroShot: false,
  defaults: defineParams({ hidden: { type: 'int', default: 32, min: 1, max: 4096 } }),
}
export const TEST_QUANTILE: ModelSpec = {
  name: 'test_quantile', description: 'quantile model', family: 'tabular', inputView: 'feature_matrix', outputs: ['p_up', 'E_r', 'q05', 'q50', 'q95'],
  needs: { normalization: 'any' }, isCausal: true, zeroShot: false, defaults: {},
}
export const TEST_GPU: ModelSpec = {
  name: 'test_gpu', description: 'needs a GPU', family: 'sequence', inputView: 'window_tensor', outputs: ['p_up'],
  needs: { normalization: 'scaled', lookback: 16 }, isCausal: true, zeroShot: false, needsGpu: true, defaults: {},
}
export const TEST_STACK: EnsembleSpec = {
  name: 'test_stack', description: 'stacking', method: 'stacking', requiresOof: true, supportsHeterogeneous: true,
  inputs: ['p_up'], outputs: ['p_up'], defaults: defineParams({ folds: { type: 'int', default: 5, min: 2, max: 20 } }),
}
export const TEST_VOTE: EnsembleSpec = {
  name: 'test_vote', description: 'voting', method: 'voting', requiresOof: false, supportsHeterogeneous: false, inputs: ['p_up'], outputs: ['p_up'], defaults: {},
}
export const TEST_GATE: EnsembleSpec = {
  name: 'test_gate', description: 'regime gate', method: 'gating', gatingMethod: 'regime_hmm', requiresOof: true, supportsHeterogeneous: true, inputs: ['p_up'], outputs: ['p_up'], defaults: {},
}
export const TEST_PLATT: InferenceSpec = {
  name: 'test_platt', description: 'calibrator', category: 'calibration', inputs: ['p_up'], outputs: ['p_up'], requiresHoldout: true, defaults: {},
}
export const TEST_CQR: InferenceSpec = {
  name: 'test_cqr', description: 'conformalised quantile regression', category: 'conformal', inputs: ['q05', 'q95'], outputs: ['q05', 'q95', 'uncertainty'], requiresHoldout: true,
  defaults: defineParams({ alpha: { type: 'number', default: 0.1, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true } }),
}
export const TEST_SIZER: PolicySpec = {
  name: 'test_sizer', description: 'sizes positions', algorithm: 'ppo', inputs: ['p_up', 'uncertainty'], outputs: ['position_size'], actionSpace: 'continuous', defaults: {},
}

export function registerTestComponents(): void {
  for (const m of [TEST_WINDOW, TEST_QUANTILE, TEST_GPU]) registerModel(m, noFactory)
  for (const e of [TEST_STACK, TEST_VOTE, TEST_GATE]) registerEnsemble(e, noFactory)
  for (const i of [TEST_PLATT, TEST_CQR]) registerInference(i, noFactory)
  registerPolicy(TEST_SIZER, noFactory)
}
