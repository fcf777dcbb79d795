import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { ComponentOptions, FitData, JsonObject, JsonValue, NumericArray, Outputs, Targets, Tensor } from '../../contracts/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import { loadXGBoost, xgboostUnavailableReason } from './xgboostNative/library.ts'
import type { XGBoostApi } from './xgboostNative/library.ts'
import { XGBOOST_PARAMS } from './xgboostNative/params.ts'
import type { XGBoostObjective } from './xgboostNative/params.ts'
import { predictXGBoost, trainXGBoostHeads } from './xgboostNative/train.ts'
import type { TrainedXGBoostHead } from './xgboostNative/train.ts'

/**
 * The real XGBoost (libxgboost through koffi), as a model: one booster per requested head,
 *   p_up → binary:logistic on y.label;  E_r → reg:squarederror on y.ret.
 * No quantile heads: reg:quantileerror arrived in XGBoost 2.0, and Debian ships 1.7 (libxgboost0),
 * which refuses it ("Unknown objective function"). A pinball objective pushed through the custom
 * gradient API would not be XGBoost's quantile model, so none is offered; use `lightgbm` (or our
 * `xgboost`) for q05/q50/q95.
 *
 * The library is loaded at the first fit/predict/load, from $FACTORY_LIBXGBOOST or the soname
 * libxgboost.so.0 (or `libraryPath` given to the constructor); when it is missing the call fails
 * with E_NATIVE_LIBRARY naming the path, the variable and `apt-get install libxgboost0`.
 * Trained heads are held as libxgboost UBJ bytes (saved as they are); no native handle outlives a
 * call, so dropping the component leaks nothing.
 */

interface Head {
  output: 'p_up' | 'E_r'
  objective: XGBoostObjective
  target: 'label' | 'ret'
}

const HEADS: Record<Head['output'], Head> = {
  p_up: { output: 'p_up', objective: 'binary:logistic', target: 'label' },
  E_r: { output: 'E_r', objective: 'reg:squarederror', target: 'ret' },
}

const OUTPUT_CHOICES = ['p_up', 'E_r', 'p_up+E_r'] as const

function headsOf(choice: (typeof OUTPUT_CHOICES)[number]): Head['output'][] {
  return choice.split('+') as Head['output'][]
}

export const spec = {
  name: 'xgboost_native',
  description: 'XGBoost itself (libxgboost via koffi; Debian libxgboost0): heads p_up (binary:logistic), E_r (reg:squarederror); no quantiles in libxgboost 1.x',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'E_r'],
  needs: { normalization: 'any', minTrainRows: 2, sampleWeights: true, earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    outputs: { type: 'enum', choices: OUTPUT_CHOICES, default: 'p_up', description: 'heads to train: p_up (binary:logistic on y.label), E_r (reg:squarederror on y.ret)' },
    ...XGBOOST_PARAMS,
  }),
} satisfies ModelSpec

export interface XGBoostNativeOptions extends ComponentOptions {
  /** the shared library to load instead of $FACTORY_LIBXGBOOST / libxgboost.so.0 */
  libraryPath?: string
}

export class XGBoostNative extends BaseComponent<typeof spec> {
  private trained: TrainedXGBoostHead[] = []
  private readonly libraryPath: string | undefined

  constructor(kind: 'model', s: typeof spec, params: unknown, opts: XGBoostNativeOptions = {}) {
    super(kind, s, params, opts)
    this.libraryPath = opts.libraryPath
  }

  protected override selectOutputs(): readonly OutputName[] {
    return headsOf(this.params.outputs)
  }

  private api(): XGBoostApi {
    return loadXGBoost(this.libraryPath)
  }

  private target(y: Targets | undefined, head: Head, where: string): Float64Array {
    const t = y?.[head.target]
    if (!t)
      throw new FactoryError('E_CONFIG', `${this.label} head '${head.output}' trains on ${where}y.${head.target}, which fit() did not receive; given: ${Object.keys(y ?? {}).join(', ') || '(none)'}`, {
        path: `${where}y.${head.target}`,
        valid: Object.keys(y ?? {}),
      })
    if (head.objective === 'binary:logistic')
      for (let i = 0; i < t.length; i++)
        if (t[i] !== 0 && t[i] !== 1)
          throw new FactoryError('E_CONFIG', `${this.label} head 'p_up' needs ${where}y.label in {0, 1}; row ${i} has ${t[i]}`, { path: `${where}y.label`, row: i, value: t[i], valid: [0, 1] })
    return t
  }

  protected async fitImpl(data: FitData, ctx: RunContext): Promise<JsonObject> {
    const api = this.api()
    const [n, f] = data.x.shape
    const heads = headsOf(this.params.outputs).map((h) => HEADS[h])
    const valid = data.valid
    const specs = heads.map((h) => ({
      name: h.output,
      objective: h.objective,
      y: this.target(data.y, h, ''),
      ...(valid ? { validY: this.target(valid.y, h, 'valid.') } : {}),
    }))
    const total = heads.length * this.params.n_estimators
    let done = 0
    this.trained = []
    const trained = await trainXGBoostHeads(
      api,
      {
        x: data.x.data,
        n,
        f,
        ...(data.weight ? { weight: data.weight } : {}),
        ...(valid ? { valid: { x: valid.x.data, n: valid.x.shape[0], ...(valid.weight ? { weight: valid.weight } : {}) } } : {}),
      },
      specs,
      this.params,
      this.seed,
      (r) => {
        // rounds skipped by early stopping still count, so progress reaches each head's share
        done = heads.findIndex((h) => h.output === r.head) * this.params.n_estimators + r.round
        ctx.progress(done / total, { epoch: r.round, metrics: r.metrics, message: r.head })
      },
    )
    this.trained = trained
    const info: JsonObject = { library: api.path, library_version: api.version.join('.') }
    for (const t of trained)
      info[t.name] = {
        objective: t.objective,
        trees: t.trees,
        iterations_run: t.iterationsRun,
        stop_reason: t.stopReason,
        valid_metric: t.validMetric ? { [t.validMetric.name]: t.validMetric.value } : null,
      }
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const preds = predictXGBoost(this.api(), this.trained.map((t) => t.model), x.data, n, f, this.params.nthread)
    const out: Outputs = {}
    this.trained.forEach((t, k) => (out[t.name as Head['output']] = preds[k]))
    return out
  }

  /** The trained head's model in libxgboost's UBJ format (loadable by any XGBoost ≥ 1.6). */
  modelBytes(output: OutputName = this.outputs[0] as OutputName): Uint8Array {
    const h = this.trained.find((t) => t.name === output)
    if (!h)
      throw new FactoryError('E_NOT_FITTED', `${this.label} has no trained head '${output}'; trained: ${this.trained.map((t) => t.name).join(', ') || '(none, fit first)'}`, {
        value: output,
        valid: this.trained.map((t) => t.name),
      })
    return h.model.slice()
  }

  protected saveState(): PluginState {
    const arrays: Record<string, NumericArray> = {}
    for (const t of this.trained) arrays[`${t.name}.ubj`] = t.model.slice()
    return {
      state: {
        format: 'ubj',
        heads: this.trained.map((t) => ({ output: t.name, objective: t.objective, trees: t.trees, iterationsRun: t.iterationsRun, stopReason: t.stopReason })),
      },
      arrays,
    }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { heads: { output: Head['output']; objective: XGBoostObjective; trees: number; iterationsRun: number; stopReason: TrainedXGBoostHead['stopReason'] }[] }
    const want = headsOf(this.params.outputs)
    const got = s.heads.map((h) => h.output)
    if (want.join() !== got.join())
      throw new FactoryError('E_CONFIG', `${this.label} saved heads ${got.join(', ')} do not match its params' heads ${want.join(', ')}`, { value: got, valid: want })
    this.trained = s.heads.map((h) => {
      const bytes = arrays[`${h.output}.ubj`]
      if (!(bytes instanceof Uint8Array))
        throw new FactoryError('E_CONFIG', `${this.label} saved state lacks the Uint8Array '${h.output}.ubj'; arrays: ${Object.keys(arrays).join(', ') || '(none)'}`, {
          value: `${h.output}.ubj`,
          valid: Object.keys(arrays),
        })
      return { name: h.output, objective: h.objective, model: bytes.slice(), trees: h.trees, iterationsRun: h.iterationsRun, stopReason: h.stopReason }
    })
  }
}

registerModel(spec, (params, opts) => new XGBoostNative('model', spec, params, opts), { unavailable: () => xgboostUnavailableReason() })
