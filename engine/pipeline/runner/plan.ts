import { FactoryError } from '../../contracts/errors.ts'
import { OUTPUT_NAMES, type OutputName } from '../../contracts/outputs.ts'
import { createModel, modelRegistry } from '../../registry/index.ts'
import { validateRegimeConfig } from '../../data/regimes/regimeConfig.ts'
import type { PipelineConfig } from '../config/types.ts'
import { viewOf, type ModelPlan } from './inputs.ts'

/**
 * Resolve every base model before any data is read: registry entry, view, window length, scaling,
 * params (validated by building one instance) and the outputs this instance produces. A bad name,
 * param or combination fails here in milliseconds, before a run record exists.
 */
export function planModels(config: PipelineConfig): ModelPlan[] {
  const models = config.base_models
  if (!Array.isArray(models) || models.length === 0) {
    throw new FactoryError('E_CONFIG', 'base_models must list at least one model', { path: 'base_models', value: models })
  }
  // The per-fold HMM fits happen mid-run; a bad regime block must fail before the run exists.
  if (config.regime !== false && models.some((m) => m.use_regime === true)) validateRegimeConfig(config.regime, 'regime')
  const seen = new Set<string>()
  return models.map((bm, index) => {
    const path = `base_models[${index}]`
    if (seen.has(bm.id)) throw new FactoryError('E_CONFIG', `duplicate base model id '${bm.id}' at ${path}.id; ids must be unique`, { path: `${path}.id`, value: bm.id })
    seen.add(bm.id)
    const spec = modelRegistry.spec(bm.name, `${path}.name`)
    const view = viewOf(spec, `${path}.name`)
    let T = 1
    if (view === 'window_tensor') {
      T = bm.lookback ?? spec.needs.lookback ?? NaN
      if (!Number.isInteger(T) || T < 1) {
        throw new FactoryError('E_CONFIG', `window model '${bm.id}' needs an integer lookback ≥ 1 at ${path}.lookback; got ${JSON.stringify(bm.lookback)}`, { path: `${path}.lookback`, value: bm.lookback })
      }
    }
    const useRegime = bm.use_regime === true
    if (useRegime && config.regime === false) {
      throw new FactoryError('E_CONFIG', `${path}.use_regime is true but regime is false; enable the regime block or drop use_regime`, { path: `${path}.use_regime`, value: true })
    }
    if (useRegime && config.splits?.method === 'cpcv') {
      // Per-fold HMM refits assume training precedes the test span; CPCV trains on both sides.
      throw new FactoryError('E_CONFIG', `${path}.use_regime is not supported with splits.method 'cpcv' yet (the regime filter is refitted per fold on the past only, which CPCV folds do not have); use walk_forward or drop use_regime`, {
        path: `${path}.use_regime`,
        value: true,
        valid: ['walk_forward'],
      })
    }
    const probe = createModel(bm.name, bm.params, { seed: 0, paramPath: `${path}.params` }, `${path}.name`)
    const outputs = probe.outputs.filter((o): o is OutputName => (OUTPUT_NAMES as readonly string[]).includes(o))
    if (outputs.length === 0) {
      throw new FactoryError('E_CONFIG', `model '${bm.id}' at ${path} produces no base-model output with these params (it produces ${probe.outputs.join(', ') || 'nothing'})`, { path, value: probe.outputs })
    }
    return {
      id: bm.id,
      name: bm.name,
      index,
      spec,
      params: bm.params ?? {},
      view,
      T,
      scaled: spec.needs.normalization === 'scaled',
      useRegime,
      earlyStopping: spec.needs.earlyStopping === true,
      outputs,
    }
  })
}
