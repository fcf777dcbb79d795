import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { ComponentOptions, FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor, Targets } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import { binDataset } from './gbdt/binning.ts'
import { trainBooster } from './gbdt/booster.ts'
import type { BoosterParams } from './gbdt/booster.ts'
import { growTreeDepthwise, levelHistograms } from './gbdt/depthwise.ts'
import { forestArrays, forestFromArrays, gainImportance, numTrees, predictRaw, treeToJSON } from './gbdt/forest.ts'
import type { Forest } from './gbdt/forest.ts'
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

interface Head {
  output: OutputName
  objective: 'binary' | 'regression' | 'quantile'
  alpha: number
  target: 'label' | 'ret'
}

const HEADS: Record<'p_up' | 'E_r' | 'q05' | 'q50' | 'q95', Head> = {
  p_up: { output: 'p_up', objective: 'binary', alpha: 0.5, target: 'label' },
  E_r: { output: 'E_r', objective: 'regression', alpha: 0.5, target: 'ret' },
  q05: { output: 'q05', objective: 'quantile', alpha: 0.05, target: 'ret' },
  q50: { output: 'q50', objective: 'quantile', alpha: 0.5, target: 'ret' },
  q95: { output: 'q95', objective: 'quantile', alpha: 0.95, target: 'ret' },
}
type HeadName = keyof typeof HEADS

const OUTPUT_CHOICES = ['p_up', 'E_r', 'quantiles', 'p_up+E_r', 'p_up+quantiles', 'E_r+quantiles', 'all'] as const
const NATIVE_OUTPUTS: readonly string[] = ['p_up', 'E_r', 'p_up+E_r']
const ENGINES = ['js', 'native'] as const

function headsOf(choice: (typeof OUTPUT_CHOICES)[number]): HeadName[] {
  const parts = choice === 'all' ? ['p_up', 'E_r', 'quantiles'] : choice.split('+')
  return parts.flatMap((p) => (p === 'quantiles' ? (['q05', 'q50', 'q95'] as const) : [p as HeadName]))
}

/** XGBoost 1.7's base_score 0.5 as a margin: logit(0.5) = 0 for binary:logistic, 0.5 for squared error. */
export const XGBOOST_BINARY: Objective = { ...binaryObjective, initScore: () => 0 }
export const XGBOOST_SQUARED: Objective = { ...regressionObjective, initScore: () => 0.5 }

function objectiveOf(h: Head): Objective {
  return h.objective === 'binary' ? XGBOOST_BINARY : h.objective === 'regression' ? XGBOOST_SQUARED : quantileObjective(h.alpha)
}

const NATIVE_OBJECTIVE: Record<'p_up' | 'E_r', XGBoostObjective> = { p_up: 'binary:logistic', E_r: 'reg:squarederror' }

/**
 * Separately trained quantile heads can cross on some rows (q05 above q50). Sorting each row's
 * quantiles is the rearrangement of Chernozhukov, Fernández-Val & Galichon (2010, Econometrica
 * 78(3)): the sorted curve is a valid quantile function and is never farther (in any Lp norm) from
 * the true one than the crossing estimate. Rows that do not cross are left bit-identical.
 */
export function rearrangeQuantiles(out: Outputs): void {
  const cols = (['q05', 'q50', 'q95'] as const).map((k) => out[k]).filter((c): c is Float64Array => c !== undefined)
  if (cols.length < 2) return
  const k = cols.length
  const v = new Float64Array(k)
  for (let i = 0; i < cols[0].length; i++) {
    let sorted = true
    for (let a = 1; a < k; a++) if (cols[a - 1][i] > cols[a][i]) sorted = false
    if (sorted) continue
    for (let a = 0; a < k; a++) v[a] = cols[a][i]
    v.sort()
    for (let a = 0; a < k; a++) cols[a][i] = v[a]
  }
}

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

interface TrainedHead {
  head: Head
  forest: Forest
}

export class XGBoost extends BaseComponent<typeof spec> {
  private trained: TrainedHead[] = []
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

  private target(y: Targets | undefined, head: Head, where: string): Float64Array {
    const t = y?.[head.target]
    if (!t)
      throw new FactoryError('E_CONFIG', `${this.label} head '${head.output}' trains on ${where}y.${head.target}, which fit() did not receive; given: ${Object.keys(y ?? {}).join(', ') || '(none)'}`, {
        path: `${where}y.${head.target}`,
        valid: Object.keys(y ?? {}),
      })
    if (head.objective === 'binary')
      for (let i = 0; i < t.length; i++)
        if (t[i] !== 0 && t[i] !== 1)
          throw new FactoryError('E_CONFIG', `${this.label} head 'p_up' needs ${where}y.label in {0, 1}; row ${i} has ${t[i]}`, { path: `${where}y.label`, row: i, value: t[i], valid: [0, 1] })
    return t
  }

  protected async fitImpl(data: FitData, ctx: RunContext): Promise<JsonObject> {
    this.trained = []
    this.native = []
    this.numFeatures = data.x.shape[1]
    return this.params.engine === 'native' ? this.fitNative(data, ctx) : this.fitJs(data, ctx)
  }

  private fitJs(data: FitData, ctx: RunContext): JsonObject {
    const [n, f] = data.x.shape
    const heads = headsOf(this.params.outputs).map((h) => HEADS[h])
    const targets = heads.map((h) => this.target(data.y, h, ''))
    const valid = data.valid
    const vTargets = valid ? heads.map((h) => this.target(valid.y, h, 'valid.')) : undefined
    const binSeed = ctx.rng.int(0x7fffffff)
    const headSeed = ctx.rng.int(0x7fffffff)
    const binned = binDataset(data.x.data, n, f, this.params.max_bin, createRng(binSeed))
    const bp = this.boosterParams()
    const histograms = levelHistograms(binned.mapper, bp.maxDepth)
    const total = heads.length * bp.numIterations
    const info: JsonObject = { engine: 'js' }
    heads.forEach((head, k) => {
      const rng = createRng(headSeed ^ Math.imul(0x9e3779b9, 1 + (spec.outputs as readonly string[]).indexOf(head.output)))
      const res = trainBooster(binned, targets[k], data.weight, objectiveOf(head), bp, rng, {
        grower: growTreeDepthwise,
        histograms,
        valid: valid && vTargets ? { x: valid.x.data, n: valid.x.shape[0], y: vTargets[k], w: valid.weight } : undefined,
        onIteration: (it) => {
          const metrics: Record<string, number> = { train_loss: it.trainLoss }
          if (it.validLoss !== undefined) metrics.valid_loss = it.validLoss
          ctx.progress((k * bp.numIterations + it.iteration) / total, { epoch: it.iteration, metrics, message: head.output })
        },
      })
      this.trained.push({ head, forest: res.forest })
      info[head.output] = {
        objective: head.objective,
        trees: res.bestIteration,
        iterations_run: res.iterationsRun,
        stop_reason: res.stopReason,
        train_loss: res.trainLoss.at(-1) ?? null,
        valid_loss: res.validLoss.length ? res.validLoss[Math.max(0, res.bestIteration - 1)] : null,
      }
    })
    return info
  }

  private async fitNative(data: FitData, ctx: RunContext): Promise<JsonObject> {
    const api = loadXGBoost()
    const [n, f] = data.x.shape
    const names = headsOf(this.params.outputs) as ('p_up' | 'E_r')[]
    const valid = data.valid
    const specs = names.map((o) => ({
      name: o,
      objective: NATIVE_OBJECTIVE[o],
      y: this.target(data.y, HEADS[o], ''),
      ...(valid ? { validY: this.target(valid.y, HEADS[o], 'valid.') } : {}),
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
      const raw = predictRaw(forest, x.data, n, f)
      if (head.objective === 'binary') for (let i = 0; i < n; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]))
      out[head.output] = raw
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
    const heads: JsonObject = {}
    for (const { head, forest } of this.trained)
      heads[head.output] = { objective: head.objective, alpha: head.alpha, init_score: forest.initScore, tree_info: Array.from({ length: numTrees(forest) }, (_, t) => treeToJSON(forest, t)) }
    return { name: 'xgboost', engine: this.params.engine, num_features: this.numFeatures, heads }
  }

  private headOf(output: OutputName): TrainedHead {
    const h = this.trained.find((t) => t.head.output === output)
    if (!h)
      throw new FactoryError('E_NOT_FITTED', `${this.label} has no trained js head '${output}'; trained: ${this.trained.map((t) => t.head.output).join(', ') || '(none: fit first, or engine is native)'}`, {
        value: output,
        valid: this.trained.map((t) => t.head.output),
      })
    return h
  }

  protected saveState(): PluginState {
    const arrays: Record<string, NumericArray> = {}
    if (this.params.engine === 'native') {
      for (const t of this.native) arrays[`${t.name}.ubj`] = t.model.slice()
      const heads = this.native.map((t) => ({ output: t.name, objective: t.objective, trees: t.trees, iterationsRun: t.iterationsRun, stopReason: t.stopReason }))
      return { state: { engine: 'native', numFeatures: this.numFeatures, heads }, arrays }
    }
    for (const t of this.trained) Object.assign(arrays, forestArrays(t.forest, `${t.head.output}.`))
    return { state: { engine: 'js', numFeatures: this.numFeatures, heads: this.trained.map((t) => ({ output: t.head.output, initScore: t.forest.initScore })) }, arrays }
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
    this.trained = s.heads.map((h) => ({ head: HEADS[h.output], forest: forestFromArrays(h.initScore!, arrays, `${h.output}.`) }))
  }
}

registerModel(spec, (params, opts) => new XGBoost('model', spec, params, opts))
