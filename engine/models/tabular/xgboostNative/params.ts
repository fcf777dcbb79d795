import { defineParams } from '../../../contracts/params.ts'
import type { ParamValues } from '../../../contracts/params.ts'

/**
 * XGBoost's own parameter names (its scikit-learn API spelling) and defaults, shared by
 * `xgboost_native` and by our histogram `xgboost` when it delegates with `engine: native`, so one
 * YAML block means the same model under both engines.
 *
 * The component seed (the runner's per-model seed) is passed to libxgboost as `seed`; there is no
 * separate seed parameter, so the config has one source of randomness per component.
 */
export const TREE_METHODS = ['hist', 'approx', 'exact'] as const

export const XGBOOST_PARAMS = defineParams({
  n_estimators: { type: 'int', default: 100, min: 1, max: 100_000, description: 'boosting rounds per head (num_boost_round)' },
  max_depth: { type: 'int', default: 6, min: 1, max: 64, description: 'most tree depth (depth-wise growth)' },
  learning_rate: { type: 'number', default: 0.3, min: 0, exclusiveMin: true, max: 1, log: true, description: 'shrinkage of every leaf value (XGBoost eta)' },
  min_child_weight: { type: 'number', default: 1, min: 0, description: 'smallest hessian sum in a child' },
  gamma: { type: 'number', default: 0, min: 0, description: 'least loss reduction a split must bring (min_split_loss)' },
  subsample: { type: 'number', default: 1, min: 0, exclusiveMin: true, max: 1, description: 'fraction of rows drawn (without replacement) for each tree' },
  colsample_bytree: { type: 'number', default: 1, min: 0, exclusiveMin: true, max: 1, description: 'fraction of features drawn for each tree' },
  reg_lambda: { type: 'number', default: 1, min: 0, description: 'L2 penalty on leaf values (XGBoost lambda)' },
  reg_alpha: { type: 'number', default: 0, min: 0, description: 'L1 penalty on leaf values (XGBoost alpha)' },
  max_bin: { type: 'int', default: 256, min: 2, max: 65_535, description: 'most histogram bins per feature (hist/approx)' },
  tree_method: { type: 'enum', choices: TREE_METHODS, default: 'hist', description: 'split finding: hist (histograms), approx (per-iteration sketch), exact (greedy over sorted values)' },
  nthread: { type: 'int', default: 2, min: 1, max: 256, description: 'OpenMP threads; results are reproducible for a fixed nthread' },
  early_stopping_rounds: { type: 'int', default: 0, min: 0, description: 'stop a head when its validation metric (logloss / rmse) has not improved for this many rounds and keep its best round; 0 = off' },
})

export type XGBoostParamValues = ParamValues<typeof XGBOOST_PARAMS>

export type XGBoostObjective = 'binary:logistic' | 'reg:squarederror'

/** The booster parameters libxgboost receives (as strings, its C API's only type). */
export function xgboostParamStrings(p: XGBoostParamValues, objective: XGBoostObjective, seed: number): Record<string, string> {
  const num = (v: number) => String(v)
  return {
    objective,
    tree_method: p.tree_method,
    max_depth: num(p.max_depth),
    eta: num(p.learning_rate),
    min_child_weight: num(p.min_child_weight),
    gamma: num(p.gamma),
    subsample: num(p.subsample),
    colsample_bytree: num(p.colsample_bytree),
    lambda: num(p.reg_lambda),
    alpha: num(p.reg_alpha),
    max_bin: num(p.max_bin),
    nthread: num(p.nthread),
    seed: num(seed),
    // libxgboost logs warnings to stderr otherwise; errors still come back through XGBGetLastError
    verbosity: '0',
  }
}
