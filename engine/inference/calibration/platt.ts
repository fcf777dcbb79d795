import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { JsonObject, JsonValue } from '../../contracts/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerInference } from '../../registry/index.ts'
import { CALIBRATION_SPEC, Calibrator, weightAt } from './calibrator.ts'
import type { CalibrationData } from './calibrator.ts'
import { fitLogistic } from './logisticFit.ts'
import { logit, sigmoid } from './probability.ts'

/**
 * Platt scaling as scikit-learn's CalibratedClassifierCV(method='sigmoid') does it
 * (`_sigmoid_calibration`, Platt 2000):
 *
 *     p' = 1 / (1 + exp(a·f + b))           (sklearn's sign convention: a < 0 for a useful model)
 *
 * fitted by maximum likelihood against Platt's prior-corrected targets
 *     t = (N₊ + 1) / (N₊ + 2) for y = 1,   t = 1 / (N₋ + 2) for y = 0
 * where N₊, N₋ are the (weighted) class totals. The smoothing keeps a and b finite even on
 * separable data, which a calibrator fitted on a few hundred OOF rows needs.
 *
 * The decision value f: sklearn uses the classifier's decision_function when it has one (a
 * margin), else predict_proba's raw p. Our models emit probabilities, so the default
 * `feature: 'logit'` uses f = logit(clip(p)) — the margin a probabilistic classifier implies, on
 * which a sigmoid is the natural family (and temperature scaling is the special case b = 0).
 * `feature: 'probability'` uses f = p itself, reproducing CalibratedClassifierCV on a
 * predict_proba-only classifier.
 *
 * sklearn stops BFGS at a gradient norm of 1e-5; we solve to the optimum (Newton), which agrees
 * with sklearn's answer to ~1e-8 in p' (checked against the fixture).
 */
const spec = {
  name: 'platt',
  description: "Platt scaling: sigmoid of the model's logit with Platt's smoothed targets (scikit-learn's sigmoid calibration)",
  ...CALIBRATION_SPEC,
  defaults: defineParams({
    feature: {
      type: 'enum',
      choices: ['logit', 'probability'],
      default: 'logit',
      description: "f the sigmoid is fitted on: logit(p) (default), or p itself as sklearn does for predict_proba-only classifiers",
    },
  }),
} satisfies InferenceSpec

class PlattCalibrator extends Calibrator<typeof spec> {
  private a = 0
  private b = 0

  private decision(p: number): number {
    return this.params.feature === 'logit' ? logit(p) : p
  }

  protected fitMap({ p, y, w }: CalibrationData, ctx: RunContext): JsonObject {
    const n = p.length
    let prior0 = 0
    let prior1 = 0
    for (let i = 0; i < n; i++) {
      if (y[i] > 0) prior1 += weightAt(w, i)
      else prior0 += weightAt(w, i)
    }
    const hi = (prior1 + 1) / (prior1 + 2)
    const lo = 1 / (prior0 + 2)
    const t = Float64Array.from(y, (v) => (v > 0 ? hi : lo))
    const f = Float64Array.from(p, (v) => this.decision(v))
    // Our z = θ₀·f + θ₁ is the log-odds of y = 1, so sklearn's (a, b) = (−θ₀, −θ₁).
    const fit = fitLogistic({ cols: [f], t, w }, { onIteration: (it) => ctx.progress(Math.min(0.95, 0.1 + 0.1 * it)) })
    if (fit.separated)
      throw new FactoryError('E_VALIDATION', `${this.label}: the sigmoid fit did not converge (${fit.iterations} Newton steps, gradient ${fit.gradNorm.toExponential(2)}); p_up takes too few distinct values to fit a slope`, {
        path: 'x',
        value: fit.gradNorm,
      })
    this.a = -fit.theta[0]
    this.b = -fit.theta[1]
    return { a: this.a, b: this.b, iterations: fit.iterations, grad_norm: fit.gradNorm }
  }

  protected applyMap(p: Float64Array): Float64Array {
    const out = new Float64Array(p.length)
    for (let i = 0; i < p.length; i++) out[i] = sigmoid(-(this.a * this.decision(p[i]) + this.b))
    return out
  }

  protected saveState(): PluginState {
    return { state: { a: this.a, b: this.b } }
  }

  protected loadState(state: JsonValue): void {
    const s = state as { a?: unknown; b?: unknown } | null
    if (typeof s?.a !== 'number' || typeof s.b !== 'number')
      throw new FactoryError('E_CONFIG', `${this.label} saved state needs numbers 'a' and 'b'; got ${JSON.stringify(state)}`, { value: state, valid: ['a', 'b'] })
    this.a = s.a
    this.b = s.b
  }
}

registerInference(spec, (params, opts) => new PlattCalibrator('inference', spec, params, opts))
