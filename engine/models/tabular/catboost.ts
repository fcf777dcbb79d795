import { defineParams } from '../../contracts/params.ts'
import type { OutputName } from '../../contracts/outputs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerModel } from '../../registry/index.ts'
import type { BoosterParams } from './gbdt/booster.ts'
import { levelHistograms } from './gbdt/depthwise.ts'
import { gainImportance, numTrees } from './gbdt/forest.ts'
import type { Forest } from './gbdt/forest.ts'
import { OUTPUT_CHOICES, checkSavedHeads, findHead, fitHeads, headOutput, headsJSON, headsOf, loadForest, rearrangeQuantiles, saveForests } from './gbdt/heads.ts'
import type { Head, HeadName, TrainedForest } from './gbdt/heads.ts'
import { obliviousGrower, obliviousTables, predictOblivious } from './gbdt/oblivious.ts'
import type { ObliviousTables } from './gbdt/oblivious.ts'
import { binaryObjective, quantileObjective, regressionObjective } from './gbdt/objectives.ts'
import type { Objective } from './gbdt/objectives.ts'

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

interface TrainedHead extends TrainedForest {
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

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const p = this.params
    const { results, info } = fitHeads(data, ctx, {
      label: this.label,
      choice: p.outputs,
      maxBin: p.border_count,
      booster: this.boosterParams(),
      histograms: (binned) => levelHistograms(binned.mapper, p.depth),
      // the booster's (Bernoulli) stream and the grower's (bootstrap weights, score noise) stream
      setup: (head, seed) => ({
        objective: objectiveOf(head),
        rng: createRng(seed >>> 0),
        grower: obliviousGrower({
          scoreFunction: p.score_function,
          randomStrength: p.random_strength,
          baggingTemperature: p.bootstrap_type === 'Bayesian' ? p.bagging_temperature : 0,
          rng: createRng((seed ^ 0x5bd1e995) >>> 0),
        }),
      }),
    })
    this.trained = results.map(({ head, res }) => ({ head, forest: res.forest, tables: obliviousTables(res.forest) }))
    this.numFeatures = data.x.shape[1]
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const out: Outputs = {}
    for (const { head, forest, tables } of this.trained) {
      out[head.output] = headOutput(head, predictOblivious(tables, forest.initScore, x.data, n, f))
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
    return { name: 'catboost', num_features: this.numFeatures, heads: headsJSON(this.trained) }
  }

  private headOf(output: OutputName): TrainedHead {
    return findHead(this.label, this.trained, output)
  }

  protected saveState(): PluginState {
    return { state: { numFeatures: this.numFeatures, heads: this.trained.map((t) => ({ output: t.head.output, initScore: t.forest.initScore })) }, arrays: saveForests(this.trained) }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { numFeatures: number; heads: { output: HeadName; initScore: number }[] }
    checkSavedHeads(this.label, this.params.outputs, s.heads.map((h) => h.output))
    this.numFeatures = s.numFeatures
    this.trained = s.heads.map((h) => {
      const t = loadForest(h.output, h.initScore, arrays)
      return { ...t, tables: obliviousTables(t.forest) }
    })
  }
}

registerModel(spec, (params, opts) => new CatBoost('model', spec, params, opts))
