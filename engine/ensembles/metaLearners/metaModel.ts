import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import type { JsonObject } from '../../contracts/component.ts'
import { fitElasticNet, fitLogisticElasticNet } from './elasticNet.ts'
import { fitLogisticL2 } from './logistic.ts'
import { fitRidge } from './ridge.ts'
import type { LinearFit } from './linalg.ts'

/**
 * A meta-learner head: one linear combiner of meta-features for one output.
 *
 * Heads and learners (the pairs that make sense; others are refused where params are checked):
 *   p_up ← logistic      L2 logistic regression (scikit-learn LogisticRegression(C)) on member logits
 *   p_up ← elastic_net   logistic elastic net (glmnet objective, alpha, l1_ratio) on member logits
 *   p_up ← ridge         linear probability model (Breiman's stacked regression) on raw member p_up,
 *                        output clipped to [P_CLIP, 1 − P_CLIP]
 *   E_r  ← ridge         ridge regression (scikit-learn Ridge(alpha)) on member E_r
 *   E_r  ← elastic_net   scikit-learn ElasticNet(alpha, l1_ratio) on member E_r
 *
 * Why logits for the logistic learners: a logistic combiner of logits is the log-odds pooling of
 * the members (coefficients 1/m each = geometric pooling), which contains the identity (one member
 * with coefficient 1) — so it can always at least reproduce its best member.
 *
 * Units. Meta-features are NOT z-scored: a logistic head reads raw member logits, so its penalty
 * is in "trust" units (coefficient 1 = take that member's logit as is) — z-scoring would divide by a
 * member's spread on the meta-training rows, and a member that was nearly constant there (a base
 * model that found nothing in early folds) would get a huge coefficient per logit unit and blow up
 * when a later fold's model of that member is livelier (measured: OOF log loss 1.08 instead of
 * 0.693 on a random walk). Regression heads (ridge; the E_r elastic net) divide the features AND the
 * target by the target's std, one common scale: coefficients keep their meaning (1 = take the
 * member's E_r as is) and alpha becomes free of the return units (E_r of 1e-3 or of 10 shrink
 * alike). The solvers themselves are the plain scikit-learn estimators (tested against it).
 */

export const META_LEARNERS = ['ridge', 'logistic', 'elastic_net'] as const
export type MetaLearnerName = (typeof META_LEARNERS)[number]
export type MetaHead = 'p_up' | 'E_r'

/** member p_up is clipped to [P_CLIP, 1 − P_CLIP] before a logit, and ridge's p_up output likewise */
export const P_CLIP = 1e-6

export interface MetaParams {
  learner: MetaLearnerName
  /** ridge: penalty on Σ squared residuals; elastic_net: penalty on the mean loss (scikit-learn's meanings) */
  alpha: number
  /** logistic: inverse regularisation (scikit-learn's C) */
  c: number
  l1Ratio: number
  maxIter: number
  tol: number
}

/** How a raw meta-feature column enters the head. */
export type ColumnTransform = 'logit' | 'identity'

export interface MetaModel {
  head: MetaHead
  learner: MetaLearnerName
  transforms: ColumnTransform[]
  /** coefficients and intercept in units of `unit` (features and target divided by it) */
  coef: Float64Array
  intercept: number
  /** the target's std for regression heads (1 for logistic heads) */
  unit: number
}

/** A learner that cannot model a head, with why; undefined when the pair is fine. */
export function unsupportedHead(learner: MetaLearnerName, head: MetaHead): string | undefined {
  if (head === 'E_r' && learner === 'logistic') return "meta-learner 'logistic' models p_up only; to stack E_r choose ridge or elastic_net"
  return undefined
}

export function checkLearner(name: string, path: string): MetaLearnerName {
  if (!(META_LEARNERS as readonly string[]).includes(name))
    throw new FactoryError('E_PARAM', unknownNameMessage(path, name, META_LEARNERS), { path, value: name, valid: [...META_LEARNERS] })
  return name as MetaLearnerName
}

export const logit = (p: number): number => {
  const q = p < P_CLIP ? P_CLIP : p > 1 - P_CLIP ? 1 - P_CLIP : p
  return Math.log(q / (1 - q))
}

const sigmoid = (z: number): number => {
  const e = Math.exp(-Math.abs(z))
  return z >= 0 ? 1 / (1 + e) : e / (1 + e)
}

export function transformsFor(head: MetaHead, learner: MetaLearnerName, isMemberP: readonly boolean[]): ColumnTransform[] {
  return isMemberP.map((p) => (head === 'p_up' && p && learner !== 'ridge' ? 'logit' : 'identity'))
}

/** The (n, f) design: each column transformed, then divided by the head's unit. */
function design(cols: readonly Float64Array[], transforms: readonly ColumnTransform[], unit: number): Float64Array {
  const f = cols.length
  const n = f ? cols[0].length : 0
  const x = new Float64Array(n * f)
  for (let j = 0; j < f; j++) {
    const c = cols[j]
    const lg = transforms[j] === 'logit'
    for (let i = 0; i < n; i++) x[i * f + j] = (lg ? logit(c[i]) : c[i]) / unit
  }
  return x
}

/** Population std of y (1 when y is constant, so a constant target still fits). */
function stdOf(y: Float64Array): number {
  const n = y.length
  let s = 0
  for (let i = 0; i < n; i++) s += y[i]
  const mean = s / n
  let ss = 0
  for (let i = 0; i < n; i++) ss += (y[i] - mean) ** 2
  const sd = Math.sqrt(ss / n)
  return sd > 0 ? sd : 1
}


/**
 * Fit one head. `cols` are the raw meta-feature columns (member outputs, regime probabilities) over
 * the training rows; `y` the target (0/1 label for p_up, forward return for E_r).
 */
export function fitMetaModel(
  head: MetaHead, cols: readonly Float64Array[], transforms: readonly ColumnTransform[], y: Float64Array, p: MetaParams,
  opts: { weight?: Float64Array; onIteration?: (iteration: number, residual: number) => void } = {},
): { model: MetaModel; info: JsonObject } {
  const why = unsupportedHead(p.learner, head)
  if (why) throw new FactoryError('E_PARAM', why, { path: 'meta_learner', value: p.learner, valid: ['ridge', 'elastic_net'] })
  const f = cols.length
  const n = y.length
  const regression = p.learner === 'ridge' || head === 'E_r'
  const unit = regression ? stdOf(y) : 1
  const x = design(cols, transforms, unit)
  const target = regression ? Float64Array.from(y, (v) => v / unit) : y
  const w = opts.weight
  const common = { ...(w ? { weight: w } : {}), ...(opts.onIteration ? { onIteration: opts.onIteration } : {}), maxIter: p.maxIter }
  let fit: LinearFit
  if (p.learner === 'ridge') fit = fitRidge(x, n, f, target, p.alpha, w)
  else if (p.learner === 'logistic') fit = fitLogisticL2(x, n, f, target, p.c, { ...common, tol: p.tol })
  else if (head === 'E_r') fit = fitElasticNet(x, n, f, target, { alpha: p.alpha, l1Ratio: p.l1Ratio, ...common, tol: Math.min(p.tol, 1e-12) })
  else fit = fitLogisticElasticNet(x, n, f, target, { alpha: p.alpha, l1Ratio: p.l1Ratio, ...common, tol: p.tol })
  const model: MetaModel = { head, learner: p.learner, transforms: [...transforms], coef: fit.coef, intercept: fit.intercept, unit }
  return { model, info: { iterations: fit.iterations, converged: fit.converged, coef: Array.from(fit.coef), intercept: fit.intercept } }
}

/** The head's prediction for each row of the raw columns. */
export function predictMetaModel(m: MetaModel, cols: readonly Float64Array[]): Float64Array {
  const f = cols.length
  if (f !== m.coef.length)
    throw new FactoryError('E_CONFIG', `meta-model for ${m.head} holds ${m.coef.length} coefficients but got ${f} meta-feature columns; the saved state is corrupt`, { value: f, valid: [m.coef.length] })
  const n = f ? cols[0].length : 0
  // z is in units of m.unit; the unit cancels between the features and the target
  const out = new Float64Array(n).fill(m.intercept * m.unit)
  for (let j = 0; j < f; j++) {
    const c = cols[j]
    const k = m.coef[j]
    if (k === 0) continue
    if (m.transforms[j] === 'logit') for (let i = 0; i < n; i++) out[i] += k * logit(c[i])
    else for (let i = 0; i < n; i++) out[i] += k * c[i]
  }
  const logistic = m.learner !== 'ridge' && m.head === 'p_up'
  if (logistic) for (let i = 0; i < n; i++) out[i] = sigmoid(out[i])
  else if (m.head === 'p_up') for (let i = 0; i < n; i++) out[i] = Math.min(1 - P_CLIP, Math.max(P_CLIP, out[i]))
  return out
}

// ---- save / load: JSON for structure, one Float64Array per head for the numbers ----

export function metaModelToJson(m: MetaModel): { state: JsonObject; array: Float64Array } {
  const f = m.coef.length
  const array = new Float64Array(f + 2)
  array.set(m.coef, 0)
  array[f] = m.intercept
  array[f + 1] = m.unit
  return { state: { head: m.head, learner: m.learner, transforms: [...m.transforms] }, array }
}

export function metaModelFromJson(state: unknown, array: unknown, where: string): MetaModel {
  const s = state as { head?: unknown; learner?: unknown; transforms?: unknown }
  const ok =
    s !== null && typeof s === 'object' && (s.head === 'p_up' || s.head === 'E_r') && typeof s.learner === 'string' &&
    (META_LEARNERS as readonly string[]).includes(s.learner) && Array.isArray(s.transforms) &&
    s.transforms.every((t) => t === 'logit' || t === 'identity') && array instanceof Float64Array && array.length === s.transforms.length + 2
  if (!ok) throw new FactoryError('E_CONFIG', `${where}: saved meta-model is malformed (needs head, learner, transforms and a Float64Array of f + 2 numbers)`, { path: where })
  const t = s.transforms as ColumnTransform[]
  const f = t.length
  const a = array as Float64Array
  return { head: s.head as MetaHead, learner: s.learner as MetaLearnerName, transforms: [...t], coef: a.slice(0, f), intercept: a[f], unit: a[f + 1] }
}
