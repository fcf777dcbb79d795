import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { JsonObject, JsonValue } from '../../contracts/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerInference } from '../../registry/index.ts'
import { CALIBRATION_SPEC, Calibrator } from './calibrator.ts'
import type { CalibrationData } from './calibrator.ts'
import { fitLogistic } from './logisticFit.ts'
import type { LogisticFit } from './logisticFit.ts'
import { clipProb, sigmoid } from './probability.ts'

/**
 * Beta calibration (Kull, Silva Filho & Flach, AISTATS 2017), the three-parameter family
 *
 *     p' = σ(a·ln p − b·ln(1 − p) + c)
 *
 * which contains the identity (a = b = 1, c = 0) and, unlike a sigmoid of the logit, can bend
 * differently at the two ends. It is a logistic regression of y on the features
 * [ln p, −ln(1 − p)] (p clipped to [PROB_EPS, 1 − PROB_EPS]), unpenalised, solved to the optimum.
 *
 * The map is monotone non-decreasing only when a, b ≥ 0. The paper's rule, as the reference
 * implementation (betacal's `_beta_calibration`) applies it: fit both; if a < 0, refit on
 * −ln(1 − p) alone (a = 0); else if b < 0, refit on ln p alone (b = 0). betacal stops there and
 * keeps a negative remaining coefficient (a decreasing map); we go one step further and refit the
 * intercept alone (a = b = 0, p' = the weighted base rate) when the remaining coefficient is
 * negative too, so that a calibrator never reverses the ranking of p. On data where betacal
 * keeps both or drops one, the results are identical (checked against the fixture).
 *
 * Weights: betacal ignores sample_weight in its logistic fits; we use them (weighted likelihood),
 * as scikit-learn's LogisticRegression would with sample_weight.
 */
const spec = {
  name: 'beta_calibration',
  description: 'Beta calibration (Kull et al. 2017): logistic regression on ln p and −ln(1−p), coefficients kept ≥ 0',
  ...CALIBRATION_SPEC,
  defaults: defineParams({}),
} satisfies InferenceSpec

export interface BetaMap {
  a: number
  b: number
  c: number
  /** which features the final fit used: 'ab' both, 'b' only −ln(1−p), 'a' only ln p, 'none' intercept only */
  kept: 'ab' | 'a' | 'b' | 'none'
}

/** The beta features of p: [ln p, −ln(1 − p)] after clipping. */
export function betaFeatures(p: Float64Array): [Float64Array, Float64Array] {
  const lp = new Float64Array(p.length)
  const l1p = new Float64Array(p.length)
  for (let i = 0; i < p.length; i++) {
    const q = clipProb(p[i])
    lp[i] = Math.log(q)
    l1p[i] = -Math.log(1 - q)
  }
  return [lp, l1p]
}

export function fitBeta(p: Float64Array, y: Float64Array, w: Float64Array | undefined, onIteration?: () => void): BetaMap {
  let n1 = 0
  let n0 = 0
  for (let i = 0; i < y.length; i++) {
    if (w && w[i] === 0) continue
    if (y[i] === 1) n1++
    else n0++
  }
  if (n0 === 0 || n1 === 0)
    throw new FactoryError('E_VALIDATION', `beta_calibration: y.label holds only class ${n1 ? 1 : 0} among the ${n0 + n1} rows with positive weight; a logistic fit needs both 0 and 1`, {
      path: 'y.label',
      value: [n0, n1],
      valid: [0, 1],
    })
  const [lp, l1p] = betaFeatures(p)
  const fit = (cols: Float64Array[], what: string): LogisticFit => {
    const r = fitLogistic({ cols, t: y, w }, { onIteration })
    if (r.separated)
      throw new FactoryError(
        'E_VALIDATION',
        `beta_calibration: the logistic fit on ${what} has no finite optimum (${r.iterations} Newton steps, gradient ${r.gradNorm.toExponential(2)}): the labels are (nearly) separated by p_up, or only one class is present`,
        { path: 'y.label', value: r.gradNorm },
      )
    return r
  }
  const full = fit([lp, l1p], '[ln p, −ln(1−p)]')
  let [a, b] = [full.theta[0], full.theta[1]]
  if (a >= 0 && b >= 0) return { a, b, c: full.theta[2], kept: 'ab' }
  const dropA = a < 0
  const one = dropA ? fit([l1p], '−ln(1−p)') : fit([lp], 'ln p')
  if (one.theta[0] >= 0) {
    ;[a, b] = dropA ? [0, one.theta[0]] : [one.theta[0], 0]
    return { a, b, c: one.theta[1], kept: dropA ? 'b' : 'a' }
  }
  const none = fit([], 'the intercept')
  return { a: 0, b: 0, c: none.theta[0], kept: 'none' }
}

export function applyBeta(m: BetaMap, p: Float64Array): Float64Array {
  const out = new Float64Array(p.length)
  for (let i = 0; i < p.length; i++) {
    const q = clipProb(p[i])
    // a dropped feature contributes exactly nothing (0·ln p would still be 0, but skip the log)
    let z = m.c
    if (m.a !== 0) z += m.a * Math.log(q)
    if (m.b !== 0) z -= m.b * Math.log(1 - q)
    out[i] = sigmoid(z)
  }
  return out
}

const KEPT = ['ab', 'a', 'b', 'none'] as const

class BetaCalibrator extends Calibrator<typeof spec> {
  private map: BetaMap = { a: 1, b: 1, c: 0, kept: 'ab' }

  protected fitMap({ p, y, w }: CalibrationData, ctx: RunContext): JsonObject {
    let it = 0
    this.map = fitBeta(p, y, w, () => ctx.progress(Math.min(0.95, 0.1 + 0.05 * it++)))
    return { ...this.map, newton_steps: it }
  }

  protected applyMap(p: Float64Array): Float64Array {
    return applyBeta(this.map, p)
  }

  protected saveState(): PluginState {
    return { state: { ...this.map } }
  }

  protected loadState(state: JsonValue): void {
    const s = state as Partial<BetaMap> | null
    if (typeof s?.a !== 'number' || typeof s.b !== 'number' || typeof s.c !== 'number' || !KEPT.includes(s.kept as BetaMap['kept']))
      throw new FactoryError('E_CONFIG', `${this.label} saved state needs numbers 'a', 'b', 'c' and 'kept' ∈ ${KEPT.join(' | ')}; got ${JSON.stringify(state)}`, {
        value: state,
        valid: ['a', 'b', 'c', 'kept'],
      })
    this.map = { a: s.a, b: s.b, c: s.c, kept: s.kept as BetaMap['kept'] }
  }
}

registerInference(spec, (params, opts) => new BetaCalibrator('inference', spec, params, opts))
