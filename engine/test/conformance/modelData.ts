import type { FitData, Targets, Tensor } from '../../contracts/component.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import { createRng } from '../../data/rng.ts'

/**
 * Synthetic inputs for the model battery, shaped by the model's declared inputView. Everything is
 * cut from one feature series (rows = bars), exactly as the data stage does it: sample k of a
 * window model is the T rows ending at its bar, oldest first; a feature_matrix model is T = 1.
 * That makes "change the bars after t" one operation for both views, which the causality check
 * needs. Values are Float32Array, as the views hand them to models.
 */

/** Window length when a window model's spec gives no lookback (the registry requires one anyway). */
export const DEFAULT_LOOKBACK = 16

export interface ModelDataOptions {
  /** training samples */
  n: number
  /** validation and test samples */
  nValid: number
  nTest: number
  f: number
  seed: number
  /** window length for window_tensor models (default: spec.needs.lookback) */
  lookback?: number
}

export interface ModelData {
  view: ModelSpec['inputView']
  /** T for window models, 1 for feature_matrix */
  T: number
  f: number
  names: string[]
  train: FitData & { x: Tensor; y: Targets }
  valid: { x: Tensor; y: Targets }
  /** non-uniform per-sample weights of the training set (within each class too) */
  weights: Float64Array
  test: Tensor
  /** the test input rebuilt from a series whose bars after test sample t's bar are replaced */
  perturbAfter(t: number): Tensor
  /** the first t + 1 test samples */
  truncate(t: number): Tensor
}

export const DEFAULT_DATA: Omit<ModelDataOptions, 'lookback'> = { n: 240, nValid: 60, nTest: 80, f: 5, seed: 1234 }

export function modelData(spec: ModelSpec, opts: ModelDataOptions): ModelData {
  const view = spec.inputView
  if (view !== 'feature_matrix' && view !== 'window_tensor')
    throw new Error(`no conformance data generator for inputView '${view}' (model '${spec.name}'); add one to engine/test/conformance/modelData.ts`)
  const T = view === 'window_tensor' ? (opts.lookback ?? spec.needs.lookback ?? DEFAULT_LOOKBACK) : 1
  const { n, nValid, nTest, f } = opts
  const samples = n + nValid + nTest
  const rows = samples + T - 1
  const rng = createRng(opts.seed)
  const series = new Float32Array(rows * f)
  // AR(1) features: serially dependent like real indicators, so a window model has something to use
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < f; j++) series[r * f + j] = (r ? 0.6 * series[(r - 1) * f + j] : 0) + 0.8 * rng.normal()

  // targets of sample k come from its own bar (and the one before): a learnable, causal signal
  const label = new Float64Array(samples)
  const ret = new Float64Array(samples)
  for (let k = 0; k < samples; k++) {
    const r = k + T - 1
    const prev = r > 0 ? series[(r - 1) * f] : 0
    const score = series[r * f] - 0.5 * series[r * f + Math.min(1, f - 1)] + 0.3 * prev
    label[k] = score + 0.8 * rng.normal() > 0 ? 1 : 0
    ret[k] = 0.002 * score + 0.003 * rng.normal()
  }
  const weights = Float64Array.from({ length: n }, () => 0.1 + 2.9 * rng.next())

  const cut = (src: Float32Array, from: number, count: number): Tensor => {
    if (T === 1) return { data: src.slice(from * f, (from + count) * f), shape: [count, f] }
    const out = new Float32Array(count * T * f)
    for (let k = 0; k < count; k++) out.set(src.subarray((from + k) * f, (from + k + T) * f), k * T * f)
    return { data: out, shape: [count, T, f] }
  }
  const slice = (a: Float64Array, from: number, count: number) => a.slice(from, from + count)
  const testFrom = n + nValid
  const names = Array.from({ length: f }, (_, j) => `feat_${j}`)

  return {
    view,
    T,
    f,
    names,
    train: { x: cut(series, 0, n), y: { label: slice(label, 0, n), ret: slice(ret, 0, n) }, names },
    valid: { x: cut(series, n, nValid), y: { label: slice(label, n, nValid), ret: slice(ret, n, nValid) } },
    weights,
    test: cut(series, testFrom, nTest),
    perturbAfter(t) {
      // bars after the last bar of test sample t get values from another distribution (bigger, shifted)
      const changed = series.slice()
      const other = createRng(opts.seed + 1)
      const lastBar = testFrom + t + T - 1
      for (let i = (lastBar + 1) * f; i < changed.length; i++) changed[i] = 3 * other.normal() + 1
      return cut(changed, testFrom, nTest)
    },
    truncate(t) {
      return cut(series, testFrom, t + 1)
    },
  }
}
