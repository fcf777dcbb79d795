import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { JsonObject, JsonValue } from '../../contracts/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerInference } from '../../registry/index.ts'
import { CALIBRATION_SPEC, Calibrator, weightAt } from './calibrator.ts'
import type { CalibrationData } from './calibrator.ts'
import { logit, sigmoid, softplus } from './probability.ts'

/**
 * Temperature scaling (Guo et al. 2017) for a binary p: p' = σ(logit(p) / T), one parameter T > 0
 * chosen by minimising the (weighted) negative log-likelihood on out-of-fold data. T > 1 softens
 * an over-confident model, T < 1 sharpens an under-confident one; the ranking of p never changes.
 *
 * Solved in s = 1/T rather than T or log T: NLL(s) = Σ w·[softplus(s·z) − y·s·z] is convex in s,
 * so its derivative g(s) = Σ w·(σ(s·z) − y)·z is increasing and the optimum is g's single root.
 * The root is found by safeguarded Newton inside a bracket (Newton steps, bisection whenever a
 * step leaves the bracket), which converges quadratically and cannot diverge; it stops when the
 * bracket is a few ulps wide, so T is the optimum to ~1e-15 relative, not "close to it".
 *
 * T is bounded to [t_min, t_max]. If the optimum lies outside (labels anti-correlated with p push
 * s ≤ 0, perfectly separated labels push s → ∞), the constrained optimum of a convex function is
 * the nearer bound; the fit report says `at_bound`.
 */
const spec = {
  name: 'temperature_scaling',
  description: 'Temperature scaling: p\' = σ(logit(p)/T), one T > 0 by minimising the log loss',
  ...CALIBRATION_SPEC,
  defaults: defineParams({
    t_min: { type: 'number', default: 0.01, min: 0, exclusiveMin: true, log: true, description: 'smallest temperature considered (sharpest map)' },
    t_max: { type: 'number', default: 100, min: 0, exclusiveMin: true, log: true, description: 'largest temperature considered (flattest map)' },
  }),
} satisfies InferenceSpec

/** Largest safeguarded-Newton iteration count; the bracket halves at worst, so 2000 is unreachable in practice. */
const MAX_ITER = 2000

export interface TemperatureFit {
  t: number
  iterations: number
  atBound: 't_min' | 't_max' | null
}

/** The NLL-optimal temperature for logits z (clipped p already turned into log-odds), labels y, weights w. */
export function optimalTemperature(z: Float64Array, y: Float64Array, w: Float64Array | undefined, tMin: number, tMax: number, onIteration?: (it: number) => void): TemperatureFit {
  const n = z.length
  const deriv = (s: number): [number, number] => {
    let g = 0
    let h = 0
    for (let i = 0; i < n; i++) {
      const wi = weightAt(w, i)
      const u = s * z[i]
      const e = Math.exp(-Math.abs(u))
      const sg = u >= 0 ? 1 / (1 + e) : e / (1 + e)
      g += wi * (sg - y[i]) * z[i]
      h += (wi * e * z[i] * z[i]) / ((1 + e) * (1 + e))
    }
    return [g, h]
  }
  let lo = 1 / tMax
  let hi = 1 / tMin
  const [glo] = deriv(lo)
  if (glo >= 0) return { t: tMax, iterations: 0, atBound: 't_max' }
  const [ghi] = deriv(hi)
  if (ghi <= 0) return { t: tMin, iterations: 0, atBound: 't_min' }
  // start at T = 1 (no change) when it lies in the bracket: for most models the optimum is near it
  let s = lo < 1 && 1 < hi ? 1 : Math.sqrt(lo * hi)
  for (let it = 1; it <= MAX_ITER; it++) {
    onIteration?.(it)
    const [g, h] = deriv(s)
    if (g === 0) return { t: 1 / s, iterations: it, atBound: null }
    if (g < 0) lo = s
    else hi = s
    let next = h > 0 ? s - g / h : NaN
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi)
    // stop once s no longer moves (a Newton step below an ulp) or the bracket is an ulp or two wide
    if (Math.abs(next - s) <= 2 * Number.EPSILON * s || hi - lo <= 4 * Number.EPSILON * hi) return { t: 1 / next, iterations: it, atBound: null }
    s = next
  }
  return { t: 1 / s, iterations: MAX_ITER, atBound: null }
}

/** Weighted NLL of σ(z/T): the objective, exported for tests. */
export function temperatureNll(z: Float64Array, y: Float64Array, w: Float64Array | undefined, t: number): number {
  let l = 0
  for (let i = 0; i < z.length; i++) {
    const u = z[i] / t
    l += weightAt(w, i) * (softplus(u) - y[i] * u)
  }
  return l
}

class TemperatureScaling extends Calibrator<typeof spec> {
  private t = 1

  protected fitMap({ p, y, w }: CalibrationData, ctx: RunContext): JsonObject {
    const { t_min, t_max } = this.params
    if (!(t_min < t_max))
      throw new FactoryError('E_PARAM', `${this.label}: t_min (${t_min}) must be below t_max (${t_max})`, { path: 'params.t_min', value: t_min, valid: [`< ${t_max}`] })
    const z = Float64Array.from(p, logit)
    const r = optimalTemperature(z, y, w, t_min, t_max, (it) => ctx.progress(Math.min(0.95, 0.1 + 0.05 * it)))
    this.t = r.t
    return { temperature: r.t, iterations: r.iterations, at_bound: r.atBound }
  }

  protected applyMap(p: Float64Array): Float64Array {
    const out = new Float64Array(p.length)
    for (let i = 0; i < p.length; i++) out[i] = sigmoid(logit(p[i]) / this.t)
    return out
  }

  protected saveState(): PluginState {
    return { state: { temperature: this.t } }
  }

  protected loadState(state: JsonValue): void {
    const t = (state as { temperature?: unknown } | null)?.temperature
    if (typeof t !== 'number' || !(t > 0))
      throw new FactoryError('E_CONFIG', `${this.label} saved state needs a positive number 'temperature'; got ${JSON.stringify(state)}`, { value: state, valid: ['temperature > 0'] })
    this.t = t
  }
}

registerInference(spec, (params, opts) => new TemperatureScaling('inference', spec, params, opts))
