import { defineParams } from '../../contracts/params.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import type { BoosterParams } from './gbdt/booster.ts'
import { gainImportance, numTrees, predictRaw } from './gbdt/forest.ts'
import { OUTPUT_CHOICES, checkSavedHeads, findHead, fitHeads, headOutput, headsJSON, headsOf, loadForest, saveForests } from './gbdt/heads.ts'
import type { HeadName, TrainedForest } from './gbdt/heads.ts'
import { makeObjective } from './gbdt/objectives.ts'

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

export { headsOf }

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

interface TrainedHead extends TrainedForest {
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

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const { results, info } = fitHeads(data, ctx, {
      label: this.label,
      choice: this.params.outputs,
      maxBin: this.params.max_bin,
      booster: this.boosterParams(),
      setup: (head, seed) => ({ objective: makeObjective(head.objective, head.alpha), rng: createRng(seed) }),
    })
    this.trained = results.map(({ head, res }) => ({ head, forest: res.forest, bestIteration: res.bestIteration }))
    this.numFeatures = data.x.shape[1]
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const out: Outputs = {}
    for (const { head, forest } of this.trained) {
      out[head.output] = headOutput(head, predictRaw(forest, x.data, n, f))
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
    return { name: 'lightgbm', num_features: this.numFeatures, heads: headsJSON(this.trained) }
  }

  private headOf(output: OutputName): TrainedHead {
    return findHead(this.label, this.trained, output)
  }

  protected saveState(): PluginState {
    return {
      state: { numFeatures: this.numFeatures, heads: this.trained.map((t) => ({ output: t.head.output, initScore: t.forest.initScore, bestIteration: t.bestIteration })) },
      arrays: saveForests(this.trained),
    }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { numFeatures: number; heads: { output: HeadName; initScore: number; bestIteration: number }[] }
    checkSavedHeads(this.label, this.params.outputs, s.heads.map((h) => h.output))
    this.numFeatures = s.numFeatures
    this.trained = s.heads.map((h) => ({ ...loadForest(h.output, h.initScore, arrays), bestIteration: h.bestIteration }))
  }
}

registerModel(spec, (params, opts) => new LightGBM('model', spec, params, opts))
