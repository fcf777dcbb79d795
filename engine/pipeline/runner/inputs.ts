import { FactoryError } from '../../contracts/errors.ts'
import type { Tensor } from '../../contracts/component.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { IndexRange } from '../../data/splits/spec.ts'
import { standardScaler, type ScalerParams } from '../../data/scaling/index.ts'
import { windowTensor, type FeatureMatrix } from '../../data/views/index.ts'

/** What the runner needs to know about one configured base model, resolved before any data is read. */
export interface ModelPlan {
  /** config id (unique) */
  id: string
  /** registry name */
  name: string
  /** position in base_models, for config paths */
  index: number
  spec: ModelSpec
  params: Record<string, unknown>
  view: 'feature_matrix' | 'window_tensor'
  /** window length; 1 for feature_matrix models */
  T: number
  /** spec.needs.normalization === 'scaled' */
  scaled: boolean
  useRegime: boolean
  /** spec.needs.earlyStopping: only such models get an inner validation split */
  earlyStopping: boolean
  /** what this configured instance produces (component.outputs) */
  outputs: readonly OutputName[]
}

export interface ModelInputs {
  fit: Tensor
  valid?: Tensor
  test: Tensor
  names: string[]
  /** the scaler fitted on this fold's usable training rows, or null when the model takes raw values */
  scaler: ScalerParams | null
}

/**
 * Tensors for one (model, fold): rows are bar indices. The scaler (when the model asks for one) is
 * fitted on `scalerRanges` — the fold's usable training rows, inner validation included, never a
 * test row — and applied to every row the model sees. Window rows are built from the scaled
 * matrix, so step t of a window is scaled with the same parameters as the row of bar t.
 */
export function buildInputs(m: FeatureMatrix, plan: ModelPlan, scalerRanges: readonly IndexRange[], rows: { fit: Int32Array; valid: Int32Array | null; test: Int32Array }): ModelInputs {
  const { f } = m
  let data = m.data
  let scaler: ScalerParams | null = null
  if (plan.scaled) {
    const s = standardScaler({ names: m.names }).fit(m.data, m.n, f, scalerRanges)
    scaler = s.params
    // Tabular rows are few next to n: scale only what is gathered. Windows need every row they span.
    if (plan.view === 'window_tensor') data = s.transform(m.data, m.n, f)
    else {
      const tab = (r: Int32Array): Tensor => ({ data: s.transform(gatherRows(m.data, f, r), r.length, f), shape: [r.length, f] })
      return { fit: tab(rows.fit), ...(rows.valid ? { valid: tab(rows.valid) } : {}), test: tab(rows.test), names: [...m.names], scaler }
    }
  }
  if (plan.view === 'feature_matrix') {
    const tab = (r: Int32Array): Tensor => ({ data: gatherRows(data, f, r), shape: [r.length, f] })
    return { fit: tab(rows.fit), ...(rows.valid ? { valid: tab(rows.valid) } : {}), test: tab(rows.test), names: [...m.names], scaler }
  }
  const wt = windowTensor({ ...m, data }, plan.T)
  const win = (r: Int32Array): Tensor => ({ data: r.length ? wt.batch(r) : new Float32Array(0), shape: [r.length, plan.T, f] })
  return { fit: win(rows.fit), ...(rows.valid ? { valid: win(rows.valid) } : {}), test: win(rows.test), names: [...m.names], scaler }
}

function gatherRows(data: Float32Array, f: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * f)
  for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r] * f, rows[r] * f + f), r * f)
  return out
}

export function gatherTargets(label01: Float64Array, ret: Float64Array, rows: Int32Array): { label: Float64Array; ret: Float64Array } {
  const label = new Float64Array(rows.length)
  const r2 = new Float64Array(rows.length)
  for (let r = 0; r < rows.length; r++) {
    label[r] = label01[rows[r]]
    r2[r] = ret[rows[r]]
  }
  return { label, ret: r2 }
}

/** The view a model spec asks for, as the runner supports it today. */
export function viewOf(spec: ModelSpec, path: string): 'feature_matrix' | 'window_tensor' {
  if (spec.inputView === 'feature_matrix' || spec.inputView === 'window_tensor') return spec.inputView
  throw new FactoryError('E_CONFIG', `model '${spec.name}' at ${path} needs the ${spec.inputView} view, which the runner does not build yet; supported: feature_matrix, window_tensor`, {
    path,
    value: spec.inputView,
    valid: ['feature_matrix', 'window_tensor'],
  })
}
