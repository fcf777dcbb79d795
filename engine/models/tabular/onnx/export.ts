import { FactoryError } from '../../../contracts/errors.ts'
import type { Component, SavedComponent } from '../../../contracts/component.ts'
import { forestFromArrays as gbdtFromArrays } from '../gbdt/forest.ts'
import { forestFromArrays } from '../forest/forest.ts'
import { forestEnsemble } from './fromForest.ts'
import { gbdtEnsemble } from './fromGbdt.ts'
import { xgboostEnsemble } from './fromXGBoost.ts'
import { buildOnnxModel } from './model.ts'
import type { OnnxHead, OnnxPrecision } from './model.ts'

/**
 * ONNX export of the tree-ensemble models: ONE model per component with ONE output per trained
 * head, named after the head (p_up, E_r, q05, q50, q95), each float32 of shape (N), all computed
 * from the single input `x` (float32, N × numFeatures, the component's training width).
 * The component is read through its public save() form, so models need no export hooks; the
 * converter is chosen by the registry name:
 *   lightgbm               → summed trees + init score; p_up through a Sigmoid node
 *   random_forest, extra_trees → averaged trees
 *   xgboost_native         → the libxgboost UBJ model's trees + base margin; p_up through Sigmoid
 * NaN: components reject NaN input; the ONNX model routes NaN as the engine's tree code does
 * (GBDT: the learned default direction; forests: right; XGBoost: its default_left) — see the
 * converters.
 */

export interface ExportOnnxOptions {
  /** see OnnxPrecision in model.ts; default 'float64' (double thresholds and sums inside the graph) */
  precision?: OnnxPrecision
}

type Converter = (saved: SavedComponent) => OnnxHead[]

interface GbdtState {
  numFeatures: number
  heads: { output: string; initScore: number }[]
}

interface HeadList {
  numFeatures: number
  heads: string[]
}

interface XGBoostState {
  heads: { output: string }[]
}

const gbdt: Converter = (s) =>
  (s.state as unknown as GbdtState).heads.map((h) => ({ output: h.output, ensemble: gbdtEnsemble(gbdtFromArrays(h.initScore, s.arrays, `${h.output}.`), h.output === 'p_up') }))

const forest: Converter = (s) => {
  const st = s.state as unknown as HeadList
  return st.heads.map((h) => ({ output: h, ensemble: forestEnsemble(forestFromArrays(s.arrays, `${h}.`, st.numFeatures)) }))
}

const xgboost: Converter = (s) =>
  (s.state as unknown as XGBoostState).heads.map((h) => {
    const bytes = s.arrays[`${h.output}.ubj`]
    if (!(bytes instanceof Uint8Array))
      throw new FactoryError('E_CONFIG', `saved xgboost_native lacks the Uint8Array '${h.output}.ubj'; arrays: ${Object.keys(s.arrays).join(', ') || '(none)'}`, { value: `${h.output}.ubj`, valid: Object.keys(s.arrays) })
    return { output: h.output, ensemble: xgboostEnsemble(bytes) }
  })

const CONVERTERS: Record<string, Converter> = {
  lightgbm: gbdt,
  random_forest: forest,
  extra_trees: forest,
  xgboost_native: xgboost,
}

/** Registry names exportOnnx accepts. */
export const ONNX_EXPORTABLE: readonly string[] = Object.keys(CONVERTERS)

/** The heads of a saved tree-ensemble component as ensembles (the step before encoding). */
export function onnxHeads(saved: SavedComponent): OnnxHead[] {
  const name = saved.config.name
  const convert = CONVERTERS[name]
  if (!convert)
    throw new FactoryError('E_UNKNOWN_NAME', `no ONNX export for ${saved.config.kind} '${name}'; exportable: ${ONNX_EXPORTABLE.join(', ')}`, { value: name, valid: [...ONNX_EXPORTABLE] })
  if (saved.inputShape.length !== 1)
    throw new FactoryError('E_SHAPE', `ONNX export needs a feature-matrix model (per-sample shape (f)); '${name}' was fitted on (${saved.inputShape.join(', ')})`, { value: saved.inputShape, valid: ['(f)'] })
  return convert(saved)
}

/** The ONNX model bytes of a fitted tree-ensemble component (or of its saved form). */
export function exportOnnx(component: Component | SavedComponent, opts: ExportOnnxOptions = {}): Uint8Array {
  const saved = 'save' in component ? component.save() : component
  const name = saved.config.name
  const heads = onnxHeads(saved)
  return buildOnnxModel(heads, saved.inputShape[0], {
    ...(opts.precision ? { precision: opts.precision } : {}),
    docString: `${name} (${heads.map((h) => h.output).join(', ')}), exported by ml-factory-workbench`,
  })
}
