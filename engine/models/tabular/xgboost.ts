import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { ComponentOptions, FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import type { BoosterParams } from './gbdt/booster.ts'
import { growTreeDepthwise, levelHistograms } from './gbdt/depthwise.ts'
import { gainImportance, numTrees, predictRaw } from './gbdt/forest.ts'
import { HEADS, OUTPUT_CHOICES, findHead, fitHeads, headOutput, headTarget, headsJSON, headsOf, loadForest, rearrangeQuantiles, saveForests } from './gbdt/heads.ts'
import type { Head, HeadName, TrainedForest } from './gbdt/heads.ts'
import { binaryObjective, quantileObjective, regressionObjective } from './gbdt/objectives.ts'
import type { Objective } from './gbdt/objectives.ts'
import { loadXGBoost } from './xgboostNative/library.ts'
import { XGBOOST_PARAMS } from './xgboostNative/params.ts'
import type { XGBoostObjective } from './xgboostNative/params.ts'
import { predictXGBoost, trainXGBoostHeads } from './xgboostNative/train.ts'
import type { TrainedXGBoostHead } from './xgboostNative/train.ts'

/**
 * XGBoost-style histogram gradient boosting with XGBoost's parameter names and defaults
 * (XGBOOST_PARAMS, shared with `xgboost_native`), one booster per head:
 *   p_up → binary:logistic on y.label;  E_r → reg:squarederror on y.ret;
 *   q05 / q50 / q95 → pinball loss on y.ret at alpha 0.05 / 0.5 / 0.95.
 *
 * engine 'js' (default) is our engine (gbdt/) with depth-wise growth (gbdt/depthwise.ts, XGBoost
 * 1.7 "hist" split rules: gain without the ½, gamma as ≥, kRtEps, min_child_weight on hessians,
 * leaf weight −T_α(G)/(H+λ) shrunk by eta). Starting margins are XGBoost 1.7's base_score 0.5
 * (binary: logit 0.5 = 0; regression: 0.5), not the target mean. subsample draws each row
 * independently per tree and colsample_bytree draws features without replacement, as XGBoost does.
 * Quantile heads are ours: XGBoost 1.7 has no quantile objective (reg:quantileerror came in 2.0),
 * so they use the engine's pinball gradients with the leaf renewal of LightGBM's quantile
 * objective (leaf = alpha-percentile of its residuals) and the alpha-percentile as start.
 * Known differences from libxgboost: bin edges come from our equal-count binning, not XGBoost's
 * weighted quantile sketch; colsample rounds k = f·fraction to nearest (XGBoost truncates) over
 * the non-constant features; training stops when a tree cannot split at all (XGBoost keeps adding
 * one-leaf trees). js runs on one thread (it ignores `nthread`) and refuses tree_method other than
 * hist.
 *
 * engine 'native' trains and predicts with libxgboost itself (xgboostNative/train.ts) on the same
 * params; it offers p_up and E_r only and fails with E_NATIVE_LIBRARY when libxgboost is missing.
 */

export { rearrangeQuantiles }

const NATIVE_OUTPUTS: readonly string[] = ['p_up', 'E_r', 'p_up+E_r']
const ENGINES = ['js', 'native'] as const

/** XGBoost 1.7's base_score 0.5 as a margin: logit(0.5) = 0 for binary:logistic, 0.5 for squared error. */
export const XGBOOST_BINARY: Objective = { ...binaryObjective, initScore: () => 0 }
export const XGBOOST_SQUARED: Objective = { ...regressionObjective, initScore: () => 0.5 }

function objectiveOf(h: Head): Objective {
  return h.objective === 'binary' ? XGBOOST_BINARY : h.objective === 'regression' ? XGBOOST_SQUARED : quantileObjective(h.alpha)
}

const NATIVE_OBJECTIVE: Record<'p_up' | 'E_r', XGBoostObjective> = { p_up: 'binary:logistic', E_r: 'reg:squarederror' }

export const spec = {
  name: 'xgboost',
  description: 'XGBoost-style histogram gradient boosting, depth-wise growth, XGBoost parameter names; heads p_up, E_r, q05/q50/q95 (ours); engine native = libxgboost',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'E_r', 'q05', 'q50', 'q95'],
  needs: { normalization: 'any', minTrainRows: 2, sampleWeights: true, earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    outputs: { type: 'enum', choices: OUTPUT_CHOICES, default: 'p_up', description: 'heads: p_up (binary:logistic on y.label), E_r (squared error on y.ret), quantiles = q05+q50+q95 (pinball on y.ret; js engine only)' },
    engine: { type: 'enum', choices: ENGINES, default: 'js', description: 'js: our histogram engine (one thread); native: libxgboost via koffi (Debian libxgboost0), heads p_up/E_r only' },
    ...XGBOOST_PARAMS,
  }),
} satisfies ModelSpec

export class XGBoost extends BaseComponent<typeof spec> {
  private trained: TrainedForest[] = []
  private native: TrainedXGBoostHead[] = []
  private numFeatures = 0

  constructor(kind: 'model', s: typeof spec, params: unknown, opts: ComponentOptions = {}) {
    super(kind, s, params, opts)
    const p = this.params
    const path = opts.paramPath ?? 'params'
    if (p.engine === 'native' && !NATIVE_OUTPUTS.includes(p.outputs))
      throw new FactoryError('E_PARAM', `${this.label} ${path}.outputs: engine 'native' cannot train outputs '${p.outputs}': libxgboost 1.7 has no quantile objective; valid with native: ${NATIVE_OUTPUTS.join(', ')} (or engine 'js')`, {
        path: `${path}.outputs`,
        value: p.outputs,
        valid: [...NATIVE_OUTPUTS],
      })
    if (p.engine === 'js' && p.tree_method !== 'hist')
      throw new FactoryError('E_PARAM', `${this.label} ${path}.tree_method: engine 'js' grows histogram trees only; tree_method '${p.tree_method}' needs engine 'native'; valid with js: hist`, {
        path: `${path}.tree_method`,
        value: p.tree_method,
        valid: ['hist'],
      })
  }

  protected override selectOutputs(): readonly OutputName[] {
    return headsOf(this.params.outputs)
  }

  /** Our booster's parameters for the XGBoost ones. */
  boosterParams(): BoosterParams {
    const p = this.params
    return {
      // depth-wise: no leaf budget beyond 2^max_depth (the grower also caps by rows)
      numLeaves: 2 ** Math.min(p.max_depth, 24),
      maxDepth: p.max_depth,
      minDataInLeaf: 1,
      minSumHessianInLeaf: p.min_child_weight,
      lambdaL1: p.reg_alpha,
      lambdaL2: p.reg_lambda,
      minGainToSplit: p.gamma,
      learningRate: p.learning_rate,
      numIterations: p.n_estimators,
      featureFraction: p.colsample_bytree,
      baggingFraction: p.subsample,
      baggingFreq: p.subsample < 1 ? 1 : 0,
      earlyStoppingRounds: p.early_stopping_rounds,
    }
  }

  protected async fitImpl(data: FitData, ctx: RunContext): Promise<JsonObject> {
    this.trained = []
    this.native = []
    this.numFeatures = data.x.shape[1]
    return this.params.engine === 'native' ? this.fitNative(data, ctx) : this.fitJs(data, ctx)
  }

  private fitJs(data: FitData, ctx: RunContext): JsonObject {
    const { results, info } = fitHeads(data, ctx, {
      label: this.label,
      choice: this.params.outputs,
      maxBin: this.params.max_bin,
      booster: this.boosterParams(),
      histograms: (binned) => levelHistograms(binned.mapper, this.params.max_depth),
      setup: (head, seed) => ({ objective: objectiveOf(head), rng: createRng(seed), grower: growTreeDepthwise }),
    })
    this.trained = results.map(({ head, res }) => ({ head, forest: res.forest }))
    return { engine: 'js', ...info }
  }

  private async fitNative(data: FitData, ctx: RunContext): Promise<JsonObject> {
    const api = loadXGBoost()
    const [n, f] = data.x.shape
    const names = headsOf(this.params.outputs) as ('p_up' | 'E_r')[]
    const valid = data.valid
    const specs = names.map((o) => ({
      name: o,
      objective: NATIVE_OBJECTIVE[o],
      y: headTarget(this.label, data.y, HEADS[o], ''),
      ...(valid ? { validY: headTarget(this.label, valid.y, HEADS[o], 'valid.') } : {}),
    }))
    const rounds = this.params.n_estimators
    this.native = await trainXGBoostHeads(
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
      (r) => ctx.progress((names.indexOf(r.head as 'p_up' | 'E_r') * rounds + r.round) / (names.length * rounds), { epoch: r.round, metrics: r.metrics, message: r.head }),
    )
    const info: JsonObject = { engine: 'native', library: api.path, library_version: api.version.join('.') }
    for (const t of this.native)
      info[t.name] = { objective: t.objective, trees: t.trees, iterations_run: t.iterationsRun, stop_reason: t.stopReason, valid_metric: t.validMetric ? { [t.validMetric.name]: t.validMetric.value } : null }
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const out: Outputs = {}
    if (this.params.engine === 'native') {
      const preds = predictXGBoost(loadXGBoost(), this.native.map((t) => t.model), x.data, n, f, this.params.nthread)
      this.native.forEach((t, k) => (out[t.name as OutputName] = preds[k]))
      return out
    }
    for (const { head, forest } of this.trained) {
      out[head.output] = headOutput(head, predictRaw(forest, x.data, n, f))
    }
    rearrangeQuantiles(out)
    return out
  }

  /** Total split gain (XGBoost's loss change) per feature for one head of the js engine. */
  importance(output: OutputName = this.outputs[0] as OutputName): Float64Array {
    return gainImportance(this.headOf(output).forest, this.numFeatures)
  }

  numTrees(output: OutputName = this.outputs[0] as OutputName): number {
    if (this.params.engine === 'native') return this.native.find((t) => t.name === output)?.trees ?? 0
    return numTrees(this.headOf(output).forest)
  }

  /** The js engine's forests as nested JSON (LightGBM dump_model layout). */
  toJSON(): JsonObject {
    return { name: 'xgboost', engine: this.params.engine, num_features: this.numFeatures, heads: headsJSON(this.trained) }
  }

  private headOf(output: OutputName): TrainedForest {
    return findHead(this.label, this.trained, output, 'trained js head', '(none: fit first, or engine is native)')
  }

  protected saveState(): PluginState {
    const arrays: Record<string, NumericArray> = {}
    if (this.params.engine === 'native') {
      for (const t of this.native) arrays[`${t.name}.ubj`] = t.model.slice()
      const heads = this.native.map((t) => ({ output: t.name, objective: t.objective, trees: t.trees, iterationsRun: t.iterationsRun, stopReason: t.stopReason }))
      return { state: { engine: 'native', numFeatures: this.numFeatures, heads }, arrays }
    }
    return { state: { engine: 'js', numFeatures: this.numFeatures, heads: this.trained.map((t) => ({ output: t.head.output, initScore: t.forest.initScore })) }, arrays: saveForests(this.trained) }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { engine: string; numFeatures: number; heads: { output: HeadName; initScore?: number; objective?: XGBoostObjective; trees?: number; iterationsRun?: number; stopReason?: TrainedXGBoostHead['stopReason'] }[] }
    const want = headsOf(this.params.outputs)
    const got = s.heads.map((h) => h.output)
    if (s.engine !== this.params.engine || want.join() !== got.join())
      throw new FactoryError('E_CONFIG', `${this.label} saved engine '${s.engine}' heads ${got.join(', ')} do not match its params' engine '${this.params.engine}' heads ${want.join(', ')}`, { value: got, valid: want })
    this.numFeatures = s.numFeatures
    if (s.engine === 'native') {
      this.native = s.heads.map((h) => {
        const bytes = arrays[`${h.output}.ubj`]
        if (!(bytes instanceof Uint8Array))
          throw new FactoryError('E_CONFIG', `${this.label} saved state lacks the Uint8Array '${h.output}.ubj'; arrays: ${Object.keys(arrays).join(', ') || '(none)'}`, { value: `${h.output}.ubj`, valid: Object.keys(arrays) })
        return { name: h.output, objective: h.objective!, model: bytes.slice(), trees: h.trees!, iterationsRun: h.iterationsRun!, stopReason: h.stopReason! }
      })
      this.trained = []
      return
    }
    this.native = []
    this.trained = s.heads.map((h) => loadForest(h.output, h.initScore!, arrays))
  }
}

registerModel(spec, (params, opts) => new XGBoost('model', spec, params, opts))
