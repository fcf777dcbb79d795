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
import { forestArrays, forestFromArrays, gainImportance, numTrees, predictRaw, treeToJSON } from './gbdt/forest.ts'
import type { Forest } from './gbdt/forest.ts'
import { makeObjective } from './gbdt/objectives.ts'
import type { ObjectiveName } from './gbdt/objectives.ts'

/**
 * LightGBM-style histogram gradient boosting (leaf-wise growth, LightGBM parameter names and
 * semantics) with one booster per requested output ("head"), all sharing one binning of x:
 *   p_up → objective binary on y.label;  E_r → regression (L2) on y.ret;
 *   q05 / q50 / q95 → quantile (pinball) on y.ret at alpha 0.05 / 0.5 / 0.95, with LightGBM's
 *   leaf renewal: after a tree is grown on the constant-hessian pinball gradients, each leaf's
 *   value is replaced by the alpha-percentile of its rows' residuals y − score (LightGBM's
 *   PercentileFun; under sample weights its WeightedPercentileFun with the interpolation fixed, see
 *   gbdt/objectives.ts), then shrunk by learning_rate.
 * The `outputs` param chooses the heads; the component reports them through `outputs`, and the
 * spec lists every head it can train. Each head draws its bagging/feature-fraction stream from a
 * seed of its own, so adding a head never changes another head's model.
 */

interface Head {
  output: OutputName
  objective: ObjectiveName
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

/**
 * Head selections. An enum of combinations because params.ts has no list-of-choices type yet;
 * `+` joins heads and `quantiles` means q05+q50+q95.
 */
const OUTPUT_CHOICES = ['p_up', 'E_r', 'quantiles', 'p_up+E_r', 'p_up+quantiles', 'E_r+quantiles', 'all'] as const

export function headsOf(choice: (typeof OUTPUT_CHOICES)[number]): HeadName[] {
  const parts = choice === 'all' ? ['p_up', 'E_r', 'quantiles'] : choice.split('+')
  return parts.flatMap((p) => (p === 'quantiles' ? (['q05', 'q50', 'q95'] as const) : [p as HeadName]))
}

const spec = {
  name: 'lightgbm',
  description: 'LightGBM-style histogram gradient boosting, leaf-wise growth; heads p_up (binary), E_r (L2), q05/q50/q95 (quantile)',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'E_r', 'q05', 'q50', 'q95'],
  needs: { normalization: 'any', minTrainRows: 2, sampleWeights: true, earlyStopping: true },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    outputs: { type: 'enum', choices: OUTPUT_CHOICES, default: 'p_up', description: 'heads to train: p_up (binary on y.label), E_r (L2 on y.ret), quantiles = q05+q50+q95 (pinball on y.ret)' },
    n_estimators: { type: 'int', default: 100, min: 1, max: 100_000, description: "boosting rounds per head (LightGBM's num_iterations)" },
    learning_rate: { type: 'number', default: 0.1, min: 0, exclusiveMin: true, log: true, description: 'shrinkage applied to every leaf value' },
    num_leaves: { type: 'int', default: 31, min: 2, max: 131_072, description: 'most leaves per tree (leaf-wise growth stops there)' },
    max_depth: { type: 'int', default: -1, min: -1, description: 'most tree depth; -1 or 0 = no limit' },
    min_data_in_leaf: { type: 'int', default: 20, min: 1, description: 'fewest training rows in a leaf' },
    min_sum_hessian_in_leaf: { type: 'number', default: 1e-3, min: 0, log: true, description: 'smallest hessian sum in a leaf' },
    lambda_l1: { type: 'number', default: 0, min: 0, description: 'L1 penalty on leaf values' },
    lambda_l2: { type: 'number', default: 0, min: 0, description: 'L2 penalty on leaf values' },
    min_gain_to_split: { type: 'number', default: 0, min: 0, description: 'least gain a split must bring' },
    feature_fraction: { type: 'number', default: 1, min: 0, max: 1, exclusiveMin: true, description: 'fraction of features drawn for each tree' },
    bagging_fraction: { type: 'number', default: 1, min: 0, max: 1, exclusiveMin: true, description: 'fraction of rows kept when bagging (needs bagging_freq > 0)' },
    bagging_freq: { type: 'int', default: 0, min: 0, description: 're-draw the bag every k rounds; 0 = no bagging' },
    early_stopping_rounds: { type: 'int', default: 0, min: 0, description: 'stop a head when its validation metric (log loss / l2 / pinball) has not improved for this many rounds and keep its best round; 0 = off' },
    max_bin: { type: 'int', default: 255, min: 2, max: 65_535, description: 'most bins per feature (quantile edges from training rows)' },
  }),
} satisfies ModelSpec

interface TrainedHead {
  head: Head
  forest: Forest
  bestIteration: number
}

export class LightGBM extends BaseComponent<typeof spec> {
  private trained: TrainedHead[] = []
  private numFeatures = 0

  protected override selectOutputs(): readonly OutputName[] {
    return headsOf(this.params.outputs)
  }

  private boosterParams(): BoosterParams {
    const p = this.params
    return {
      numLeaves: p.num_leaves,
      maxDepth: p.max_depth,
      minDataInLeaf: p.min_data_in_leaf,
      minSumHessianInLeaf: p.min_sum_hessian_in_leaf,
      lambdaL1: p.lambda_l1,
      lambdaL2: p.lambda_l2,
      minGainToSplit: p.min_gain_to_split,
      learningRate: p.learning_rate,
      numIterations: p.n_estimators,
      featureFraction: p.feature_fraction,
      baggingFraction: p.bagging_fraction,
      baggingFreq: p.bagging_freq,
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
    const heads = headsOf(this.params.outputs).map((h) => HEADS[h])
    const targets = heads.map((h) => this.target(data.y, h, ''))
    const valid = data.valid
    const vTargets = valid ? heads.map((h) => this.target(valid.y, h, 'valid.')) : undefined
    // one seed per stream, drawn up front, so each head's randomness is independent of the others
    const binSeed = ctx.rng.int(0x7fffffff)
    const headSeed = ctx.rng.int(0x7fffffff)
    const binned = binDataset(data.x.data, n, f, this.params.max_bin, createRng(binSeed))
    const bp = this.boosterParams()
    const total = heads.length * bp.numIterations
    const trained: TrainedHead[] = []
    const info: JsonObject = {}
    heads.forEach((head, k) => {
      const res = trainBooster(binned, targets[k], data.weight, makeObjective(head.objective, head.alpha), bp, createRng(headSeed ^ Math.imul(0x9e3779b9, 1 + (spec.outputs as readonly string[]).indexOf(head.output))), {
        valid: valid && vTargets ? { x: valid.x.data, n: valid.x.shape[0], y: vTargets[k], w: valid.weight } : undefined,
        onIteration: (it) => {
          const metrics: Record<string, number> = { train_loss: it.trainLoss }
          if (it.validLoss !== undefined) metrics.valid_loss = it.validLoss
          ctx.progress((k * bp.numIterations + it.iteration) / total, { epoch: it.iteration, metrics, message: head.output })
        },
      })
      trained.push({ head, forest: res.forest, bestIteration: res.bestIteration })
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
    for (const { head, forest } of this.trained) {
      const raw = predictRaw(forest, x.data, n, f)
      if (head.objective === 'binary') for (let i = 0; i < n; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]))
      out[head.output] = raw
    }
    return out
  }

  /** Total split gain per feature for one head (LightGBM importance_type='gain'). */
  importance(output: OutputName = this.outputs[0] as OutputName): Float64Array {
    return gainImportance(this.headOf(output).forest, this.numFeatures)
  }

  /** Number of trees kept for a head (its best iteration under early stopping). */
  numTrees(output: OutputName = this.outputs[0] as OutputName): number {
    return numTrees(this.headOf(output).forest)
  }

  /** The forests as nested JSON (LightGBM dump_model style), for debugging. */
  toJSON(): JsonObject {
    const heads: JsonObject = {}
    for (const { head, forest } of this.trained) {
      heads[head.output] = {
        objective: head.objective,
        alpha: head.alpha,
        init_score: forest.initScore,
        tree_info: Array.from({ length: numTrees(forest) }, (_, t) => treeToJSON(forest, t)),
      }
    }
    return { name: 'lightgbm', num_features: this.numFeatures, heads }
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
    return {
      state: { numFeatures: this.numFeatures, heads: this.trained.map((t) => ({ output: t.head.output, initScore: t.forest.initScore, bestIteration: t.bestIteration })) },
      arrays,
    }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { numFeatures: number; heads: { output: HeadName; initScore: number; bestIteration: number }[] }
    const want = headsOf(this.params.outputs)
    const got = s.heads.map((h) => h.output)
    if (want.join() !== got.join())
      throw new FactoryError('E_CONFIG', `${this.label} saved heads ${got.join(', ')} do not match its params' heads ${want.join(', ')}`, { value: got, valid: want })
    this.numFeatures = s.numFeatures
    this.trained = s.heads.map((h) => ({ head: HEADS[h.output], forest: forestFromArrays(h.initScore, arrays, `${h.output}.`), bestIteration: h.bestIteration }))
  }
}

registerModel(spec, (params, opts) => new LightGBM('model', spec, params, opts))
