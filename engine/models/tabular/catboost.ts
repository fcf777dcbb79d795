import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor, Targets } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import { binDataset } from './gbdt/binning.ts'
import { trainBooster } from './gbdt/booster.ts'
import type { BoosterParams } from './gbdt/booster.ts'
import { levelHistograms } from './gbdt/depthwise.ts'
import { forestArrays, forestFromArrays, gainImportance, numTrees, treeToJSON } from './gbdt/forest.ts'
import type { Forest } from './gbdt/forest.ts'
import { obliviousGrower, obliviousTables, predictOblivious } from './gbdt/oblivious.ts'
import type { ObliviousTables } from './gbdt/oblivious.ts'
import { binaryObjective, quantileObjective, regressionObjective } from './gbdt/objectives.ts'
import type { Objective } from './gbdt/objectives.ts'
import { rearrangeQuantiles } from './xgboost.ts'

/**
 * CatBoost-style boosting of oblivious trees (gbdt/oblivious.ts) with CatBoost's parameter names,
 * one booster per head: p_up → Logloss on y.label; E_r → RMSE on y.ret; q05/q50/q95 → Quantile on
 * y.ret (leaves set to the alpha-quantile of their residuals, CatBoost's "Exact" leaf estimation
 * for Quantile; here via the engine's LightGBM-style percentile). Start values follow CatBoost's
 * boost_from_average defaults: 0 for Logloss, the mean for RMSE, the alpha-quantile for Quantile.
 * Prediction is by bit index into each tree's 2^depth leaf table.
 *
 * What is NOT CatBoost here, precisely: boosting_type is 'Plain' only — ordered boosting
 * (Prokhorenkova et al. 2018, supporting models per permutation prefix) is not implemented, and
 * ordered target statistics do not apply because every input is numeric (no categorical
 * features). Borders come from our equal-count binning (border_count bins), not CatBoost's
 * GreedyLogSum. bootstrap_type offers Bayesian, Bernoulli and No; CatBoost's CPU default MVS is
 * not implemented, so Bayesian is the default here. Leaves take one Newton step with l2_leaf_reg
 * unscaled by the mean sample weight. One thread.
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

function headsOf(choice: (typeof OUTPUT_CHOICES)[number]): HeadName[] {
  const parts = choice === 'all' ? ['p_up', 'E_r', 'quantiles'] : choice.split('+')
  return parts.flatMap((p) => (p === 'quantiles' ? (['q05', 'q50', 'q95'] as const) : [p as HeadName]))
}

/** CatBoost's Logloss starts from 0 (boost_from_average is off for it by default). */
const LOGLOSS_FROM_ZERO: Objective = { ...binaryObjective, initScore: () => 0 }

function objectiveOf(h: Head): Objective {
  return h.objective === 'binary' ? LOGLOSS_FROM_ZERO : h.objective === 'regression' ? regressionObjective : quantileObjective(h.alpha)
}

export const spec = {
  name: 'catboost',
  description: 'CatBoost-style boosting of oblivious (symmetric) trees, CatBoost parameter names, Plain boosting; heads p_up, E_r, q05/q50/q95',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'E_r', 'q05', 'q50', 'q95'],
  needs: { normalization: 'any', minTrainRows: 2, sampleWeights: true, earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    outputs: { type: 'enum', choices: OUTPUT_CHOICES, default: 'p_up', description: 'heads: p_up (Logloss on y.label), E_r (RMSE on y.ret), quantiles = q05+q50+q95 (Quantile on y.ret)' },
    iterations: { type: 'int', default: 1000, min: 1, max: 100_000, description: 'boosting rounds (trees) per head' },
    learning_rate: { type: 'number', default: 0.03, min: 0, exclusiveMin: true, max: 1, log: true, description: 'shrinkage of every leaf value' },
    depth: { type: 'int', default: 6, min: 1, max: 16, description: 'levels of every oblivious tree (2^depth leaves)' },
    l2_leaf_reg: { type: 'number', default: 3, min: 0, description: 'L2 penalty on leaf values (λ in −G/(H+λ))' },
    border_count: { type: 'int', default: 254, min: 2, max: 65_535, description: 'most borders (bins) per feature' },
    random_strength: { type: 'number', default: 1, min: 0, description: 'noise on split scores: sd = random_strength × RMS of the gradients' },
    score_function: { type: 'enum', choices: ['Cosine', 'L2'], default: 'Cosine', description: 'split score: Cosine (gradient/leaf-value cosine, CatBoost default) or L2 (Newton loss reduction)' },
    bootstrap_type: { type: 'enum', choices: ['Bayesian', 'Bernoulli', 'No'], default: 'Bayesian', description: 'row weighting per tree: Bayesian (weights (−ln U)^bagging_temperature), Bernoulli (keep each row with probability subsample), No' },
    bagging_temperature: { type: 'number', default: 1, min: 0, description: 'Bayesian bootstrap temperature; 0 = all weights 1' },
    subsample: { type: 'number', default: 0.8, min: 0, exclusiveMin: true, max: 1, description: 'row fraction for bootstrap_type Bernoulli' },
    boosting_type: { type: 'enum', choices: ['Plain'], default: 'Plain', description: "Plain gradient boosting (CatBoost's 'Ordered' is not implemented)" },
    early_stopping_rounds: { type: 'int', default: 0, min: 0, description: 'stop a head when its validation loss has not improved for this many rounds and keep its best round; 0 = off' },
  }),
} satisfies ModelSpec

interface TrainedHead {
  head: Head
  forest: Forest
  tables: ObliviousTables
}

export class CatBoost extends BaseComponent<typeof spec> {
  private trained: TrainedHead[] = []
  private numFeatures = 0

  protected override selectOutputs(): readonly OutputName[] {
    return headsOf(this.params.outputs)
  }

  boosterParams(): BoosterParams {
    const p = this.params
    return {
      numLeaves: 2 ** p.depth,
      maxDepth: p.depth,
      minDataInLeaf: 1,
      minSumHessianInLeaf: 0,
      lambdaL1: 0,
      lambdaL2: p.l2_leaf_reg,
      minGainToSplit: 0,
      learningRate: p.learning_rate,
      numIterations: p.iterations,
      featureFraction: 1,
      baggingFraction: p.bootstrap_type === 'Bernoulli' ? p.subsample : 1,
      baggingFreq: p.bootstrap_type === 'Bernoulli' ? 1 : 0,
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

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const [n, f] = data.x.shape
    const p = this.params
    const heads = headsOf(p.outputs).map((h) => HEADS[h])
    const targets = heads.map((h) => this.target(data.y, h, ''))
    const valid = data.valid
    const vTargets = valid ? heads.map((h) => this.target(valid.y, h, 'valid.')) : undefined
    const binSeed = ctx.rng.int(0x7fffffff)
    const headSeed = ctx.rng.int(0x7fffffff)
    const binned = binDataset(data.x.data, n, f, p.border_count, createRng(binSeed))
    const bp = this.boosterParams()
    const histograms = levelHistograms(binned.mapper, p.depth)
    const total = heads.length * bp.numIterations
    const trained: TrainedHead[] = []
    const info: JsonObject = {}
    heads.forEach((head, k) => {
      const seed = headSeed ^ Math.imul(0x9e3779b9, 1 + (spec.outputs as readonly string[]).indexOf(head.output))
      // the booster's (Bernoulli) stream and the grower's (bootstrap weights, score noise) stream
      const grower = obliviousGrower({
        scoreFunction: p.score_function,
        randomStrength: p.random_strength,
        baggingTemperature: p.bootstrap_type === 'Bayesian' ? p.bagging_temperature : 0,
        rng: createRng((seed ^ 0x5bd1e995) >>> 0),
      })
      const res = trainBooster(binned, targets[k], data.weight, objectiveOf(head), bp, createRng(seed >>> 0), {
        grower,
        histograms,
        valid: valid && vTargets ? { x: valid.x.data, n: valid.x.shape[0], y: vTargets[k], w: valid.weight } : undefined,
        onIteration: (it) => {
          const metrics: Record<string, number> = { train_loss: it.trainLoss }
          if (it.validLoss !== undefined) metrics.valid_loss = it.validLoss
          ctx.progress((k * bp.numIterations + it.iteration) / total, { epoch: it.iteration, metrics, message: head.output })
        },
      })
      trained.push({ head, forest: res.forest, tables: obliviousTables(res.forest) })
      info[head.output] = {
        objective: head.objective,
        trees: res.bestIteration,
        iterations_run: res.iterationsRun,
        stop_reason: res.stopReason,
        train_loss: res.trainLoss.at(-1) ?? null,
        valid_loss: res.validLoss.length ? res.validLoss[Math.max(0, res.bestIteration - 1)] : null,
      }
    })
    this.trained = trained
    this.numFeatures = f
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const out: Outputs = {}
    for (const { head, forest, tables } of this.trained) {
      const raw = predictOblivious(tables, forest.initScore, x.data, n, f)
      if (head.objective === 'binary') for (let i = 0; i < n; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]))
      out[head.output] = raw
    }
    rearrangeQuantiles(out)
    return out
  }

  /** The trained forest of a head (node layout, as every tree model; ONNX export reads this). */
  forest(output: OutputName = this.outputs[0] as OutputName): Forest {
    return this.headOf(output).forest
  }

  importance(output: OutputName = this.outputs[0] as OutputName): Float64Array {
    return gainImportance(this.headOf(output).forest, this.numFeatures)
  }

  numTrees(output: OutputName = this.outputs[0] as OutputName): number {
    return numTrees(this.headOf(output).forest)
  }

  toJSON(): JsonObject {
    const heads: JsonObject = {}
    for (const { head, forest } of this.trained)
      heads[head.output] = { objective: head.objective, alpha: head.alpha, init_score: forest.initScore, tree_info: Array.from({ length: numTrees(forest) }, (_, t) => treeToJSON(forest, t)) }
    return { name: 'catboost', num_features: this.numFeatures, heads }
  }

  private headOf(output: OutputName): TrainedHead {
    const h = this.trained.find((t) => t.head.output === output)
    if (!h)
      throw new FactoryError('E_NOT_FITTED', `${this.label} has no trained head '${output}'; trained: ${this.trained.map((t) => t.head.output).join(', ') || '(none, fit first)'}`, {
        value: output,
        valid: this.trained.map((t) => t.head.output),
      })
    return h
  }

  protected saveState(): PluginState {
    const arrays: Record<string, NumericArray> = {}
    for (const t of this.trained) Object.assign(arrays, forestArrays(t.forest, `${t.head.output}.`))
    return { state: { numFeatures: this.numFeatures, heads: this.trained.map((t) => ({ output: t.head.output, initScore: t.forest.initScore })) }, arrays }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { numFeatures: number; heads: { output: HeadName; initScore: number }[] }
    const want = headsOf(this.params.outputs)
    const got = s.heads.map((h) => h.output)
    if (want.join() !== got.join())
      throw new FactoryError('E_CONFIG', `${this.label} saved heads ${got.join(', ')} do not match its params' heads ${want.join(', ')}`, { value: got, valid: want })
    this.numFeatures = s.numFeatures
    this.trained = s.heads.map((h) => {
      const forest = forestFromArrays(h.initScore, arrays, `${h.output}.`)
      return { head: HEADS[h.output], forest, tables: obliviousTables(forest) }
    })
  }
}

registerModel(spec, (params, opts) => new CatBoost('model', spec, params, opts))
