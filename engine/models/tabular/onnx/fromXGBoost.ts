import { FactoryError } from '../../../contracts/errors.ts'
import { addBranch, addLeaf, emptyEnsemble, finishEnsemble } from './ensemble.ts'
import type { TreeEnsemble } from './ensemble.ts'
import { parseUbjson } from './ubjson.ts'
import type { UbjValue } from './ubjson.ts'

/**
 * A libxgboost model (UBJ bytes, as xgboost_native saves them) as a summed ensemble. XGBoost sends
 * `v < split_condition` left (missing → default_left), and split conditions are float32 already,
 * so BRANCH_LT with left as the true branch and default_left as missing_value_tracks_true is exact
 * for float32 inputs (which is all libxgboost ever sees). A leaf's value is its split_condition.
 * The base margin: base_score is saved on the output scale, so binary:logistic starts from
 * logit(base_score) and its head gets a sigmoid; reg:squarederror starts from base_score itself.
 * Only single-target gbtree models with numerical splits are supported (what xgboost_native trains).
 */

type Obj = { [k: string]: UbjValue }

const SUPPORTED_OBJECTIVES = ['binary:logistic', 'reg:squarederror'] as const

function bad(why: string, path: string, value?: UbjValue, valid?: readonly string[]): never {
  throw new FactoryError('E_FILE_FORMAT', `XGBoost model cannot be exported to ONNX: ${why}`, { path, ...(value !== undefined ? { value: value as string } : {}), ...(valid ? { valid: [...valid] } : {}) })
}

function field(o: UbjValue, key: string, path: string): UbjValue {
  if (o === null || typeof o !== 'object' || Array.isArray(o) || !(key in o)) bad(`missing '${key}'`, `${path}.${key}`)
  return (o as Obj)[key]
}

function numbers(o: UbjValue, key: string, path: string): number[] {
  const a = field(o, key, path)
  if (!Array.isArray(a) || a.some((v) => typeof v !== 'number')) bad(`'${key}' is not a number array`, `${path}.${key}`)
  return a as number[]
}

export function xgboostEnsemble(ubj: Uint8Array): TreeEnsemble {
  const learner = field(parseUbjson(ubj), 'learner', '')
  const objective = field(field(learner, 'objective', 'learner'), 'name', 'learner.objective') as string
  if (!(SUPPORTED_OBJECTIVES as readonly string[]).includes(objective)) bad(`objective '${objective}' is not supported`, 'learner.objective.name', objective, SUPPORTED_OBJECTIVES)
  const mp = field(learner, 'learner_model_param', 'learner')
  const numTarget = Number(field(mp, 'num_target', 'learner.learner_model_param'))
  const numClass = Number(field(mp, 'num_class', 'learner.learner_model_param'))
  if (numTarget > 1 || numClass > 1) bad(`${numTarget} targets / ${numClass} classes; only single-output models are supported`, 'learner.learner_model_param')
  const baseScore = Number(field(mp, 'base_score', 'learner.learner_model_param'))
  const sigmoid = objective === 'binary:logistic'
  // libxgboost keeps the margin in float32 (ProbToMargin on a float)
  const base = sigmoid ? Math.fround(-Math.log(1 / baseScore - 1)) : baseScore
  const gb = field(learner, 'gradient_booster', 'learner')
  const gbName = field(gb, 'name', 'learner.gradient_booster')
  if (gbName !== 'gbtree') bad(`booster '${String(gbName)}' is not supported`, 'learner.gradient_booster.name', gbName, ['gbtree'])
  const trees = field(field(gb, 'model', 'learner.gradient_booster'), 'trees', 'learner.gradient_booster.model')
  if (!Array.isArray(trees)) bad("'trees' is not an array", 'learner.gradient_booster.model.trees')
  const parsed = (trees as UbjValue[]).map((tree, t) => {
    const path = `learner.gradient_booster.model.trees[${t}]`
    const splitType = (tree as Obj).split_type
    if (Array.isArray(splitType) && splitType.some((s) => s !== 0)) bad('categorical splits are not supported', `${path}.split_type`)
    return {
      left: numbers(tree, 'left_children', path),
      right: numbers(tree, 'right_children', path),
      feat: numbers(tree, 'split_indices', path),
      cond: numbers(tree, 'split_conditions', path),
      defLeft: numbers(tree, 'default_left', path),
    }
  })
  let nodes = 0, leaves = 0
  for (const p of parsed) for (const l of p.left) (nodes++, l === -1 && leaves++)
  const e = emptyEnsemble('BRANCH_LT', 'SUM', base, sigmoid ? 'sigmoid' : 'identity', nodes, leaves)
  parsed.forEach(({ left, right, feat, cond, defLeft }, t) => {
    for (let k = 0; k < left.length; k++) {
      if (left[k] === -1) addLeaf(e, t, k, cond[k])
      else addBranch(e, t, k, feat[k], cond[k], left[k], right[k], defLeft[k] === 1)
    }
  })
  return finishEnsemble(e, parsed.length)
}
