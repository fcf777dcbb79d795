// Test-only models for the runner's tests: a ridge "logistic" on the feature matrix and a ridge on
// window means, small enough to train in milliseconds. Importing this file registers them.
import { defineParams } from '../../../contracts/params.ts'
import type { ModelSpec } from '../../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../../contracts/component.ts'
import { BaseComponent, type PluginState, type RunContext } from '../../../registry/component.ts'
import { modelRegistry, registerModel } from '../../../registry/index.ts'
import { FactoryError } from '../../../contracts/errors.ts'

/** What each fit saw, in call order (tests read and clear it). */
export const fitLog: { model: string; seed: number; rows: number; validRows: number; f: number }[] = []

const params = defineParams({
  l2: { type: 'number', default: 1, min: 0 },
  fail: { type: 'enum', choices: ['none', 'plain_error', 'factory_error'], default: 'none' },
  /** sleep this long per epoch (5 epochs), reporting progress: gives cancellation a window */
  delay_ms: { type: 'int', default: 0, min: 0, max: 10_000 },
})

const tabularSpec = {
  name: 'runner_test_linear',
  description: 'ridge on the feature matrix (runner tests only)',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'E_r'],
  needs: { normalization: 'scaled', earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: params,
} satisfies ModelSpec

const windowSpec = {
  name: 'runner_test_window',
  description: 'ridge on window means (runner tests only)',
  family: 'sequence',
  inputView: 'window_tensor',
  outputs: ['p_up'],
  needs: { normalization: 'scaled', lookback: 8 },
  isCausal: true,
  zeroShot: false,
  defaults: params,
} satisfies ModelSpec

/** Solve (XᵀX + l2·I) w = Xᵀy with an intercept column (not penalised); Gaussian elimination. */
function ridge(X: Float64Array, n: number, f: number, y: Float64Array, l2: number): Float64Array {
  const d = f + 1
  const A = new Float64Array(d * d)
  const b = new Float64Array(d)
  const row = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) row[j] = X[i * f + j]
    row[f] = 1
    for (let a = 0; a < d; a++) {
      b[a] += row[a] * y[i]
      for (let c = 0; c < d; c++) A[a * d + c] += row[a] * row[c]
    }
  }
  for (let j = 0; j < f; j++) A[j * d + j] += l2 + 1e-9
  A[f * d + f] += 1e-9
  for (let k = 0; k < d; k++) {
    let p = k
    for (let r = k + 1; r < d; r++) if (Math.abs(A[r * d + k]) > Math.abs(A[p * d + k])) p = r
    for (let c = 0; c < d; c++) [A[k * d + c], A[p * d + c]] = [A[p * d + c], A[k * d + c]]
    ;[b[k], b[p]] = [b[p], b[k]]
    for (let r = k + 1; r < d; r++) {
      const m = A[r * d + k] / A[k * d + k]
      for (let c = k; c < d; c++) A[r * d + c] -= m * A[k * d + c]
      b[r] -= m * b[k]
    }
  }
  const w = new Float64Array(d)
  for (let k = d - 1; k >= 0; k--) {
    let s = b[k]
    for (let c = k + 1; c < d; c++) s -= A[k * d + c] * w[c]
    w[k] = s / A[k * d + k]
  }
  return w
}

/** (n, f) as is, or (n, T, f) reduced to the mean over T. */
function rowsOf(x: Tensor): { X: Float64Array; n: number; f: number } {
  const n = x.shape[0]
  const f = x.shape[x.shape.length - 1]
  const T = x.shape.length === 3 ? x.shape[1] : 1
  const X = new Float64Array(n * f)
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) for (let j = 0; j < f; j++) X[i * f + j] += x.data[(i * T + t) * f + j] / T
  return { X, n, f }
}

function dot(X: Float64Array, i: number, f: number, w: Float64Array): number {
  let z = w[f]
  for (let j = 0; j < f; j++) z += X[i * f + j] * w[j]
  return z
}

class RidgeModel<S extends typeof tabularSpec | typeof windowSpec> extends BaseComponent<S> {
  wp: Float64Array = new Float64Array(0)
  wr: Float64Array = new Float64Array(0)

  protected async fitImpl(data: FitData, ctx: RunContext): Promise<JsonObject> {
    const p = this.params as { l2: number; fail: string; delay_ms: number }
    if (p.fail === 'plain_error') throw new TypeError('boom: the test model failed on purpose')
    if (p.fail === 'factory_error') throw new FactoryError('E_PARAM', 'the test model refuses to fit', { path: 'params.fail', value: 'factory_error' })
    for (let e = 0; e < 5 && p.delay_ms > 0; e++) {
      await new Promise((r) => setTimeout(r, p.delay_ms))
      ctx.progress((e + 1) / 5, { epoch: e + 1 })
    }
    const { X, n, f } = rowsOf(data.x)
    const z = data.y!.label.map((v) => 2 * v - 1)
    this.wp = ridge(X, n, f, z, p.l2)
    // a seeded jitter, so that the seed visibly reaches the model and reproducibility is tested
    for (let j = 0; j < this.wp.length; j++) this.wp[j] += 1e-3 * ctx.rng.normal()
    this.wr = ridge(X, n, f, data.y!.ret, p.l2)
    fitLog.push({ model: this.spec.name, seed: this.seed, rows: n, validRows: data.valid ? data.valid.x.shape[0] : 0, f })
    return { rows: n }
  }

  protected predictImpl(x: Tensor): Outputs {
    const { X, n, f } = rowsOf(x)
    const pu = new Float64Array(n)
    const er = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      pu[i] = 1 / (1 + Math.exp(-3 * dot(X, i, f, this.wp)))
      er[i] = dot(X, i, f, this.wr)
    }
    return this.spec.outputs.includes('E_r' as never) ? { p_up: pu, E_r: er } : { p_up: pu }
  }

  protected saveState(): PluginState {
    return { state: null, arrays: { wp: this.wp, wr: this.wr } }
  }

  protected loadState(_s: JsonValue, arrays: Record<string, NumericArray>): void {
    this.wp = Float64Array.from(arrays.wp)
    this.wr = Float64Array.from(arrays.wr)
  }
}

if (!modelRegistry.has(tabularSpec.name)) {
  registerModel(tabularSpec, (p, o) => new RidgeModel('model', tabularSpec, p, o))
  registerModel(windowSpec, (p, o) => new RidgeModel('model', windowSpec, p, o))
}
