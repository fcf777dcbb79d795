import { FactoryError } from '../contracts/errors.ts'
import { defineParams } from '../contracts/params.ts'
import type { EnsembleSpec } from '../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../contracts/component.ts'
import type { PluginState } from '../registry/component.ts'
import { registerEnsemble } from '../registry/index.ts'
import { EnsembleComponent, OUTPUT_CHOICE_PARAMS } from './ensembleComponent.ts'
import { outputColumns } from './members.ts'
import type { MemberLayout } from './members.ts'

/**
 * Soft voting: each chosen output is the weighted mean of the members' values,
 *     p_up = Σ wⱼ p_upⱼ,   E_r = Σ wⱼ E_rⱼ,   qα = Σ wⱼ qαⱼ   (Σ wⱼ = 1)
 * with `weights` in member order (first appearance in the input names), normalised; empty = equal.
 *
 * Nothing is learnt, so the fit only checks the layout and the weights against the members, and
 * voting needs no out-of-fold predictions (requiresOof false): it can combine any rows.
 *
 * Quantiles (q05, q50, q95 with `quantiles: true`) are averaged quantile by quantile — Vincentisation,
 * the quantile function of the averaged quantile functions. It is NOT the quantile of the members'
 * mixture (which is wider when members disagree); it keeps q05 ≤ q50 ≤ q95 whenever every member
 * does. Only voting combines quantiles: a meta-learner for quantiles would need a pinball-loss
 * combiner that stacking/blending do not have, so they produce p_up and E_r only.
 */

const spec = {
  name: 'voting',
  description: 'soft voting: weighted mean of the members\' p_up (and E_r, quantiles)',
  method: 'voting',
  requiresOof: false,
  supportsHeterogeneous: true,
  inputs: ['p_up'],
  outputs: ['p_up', 'E_r', 'q05', 'q50', 'q95'],
  defaults: defineParams({
    weights: { type: 'number_array', default: [], min: 0, description: 'one weight ≥ 0 per member in input order, normalised to sum 1; empty = equal weights' },
    ...OUTPUT_CHOICE_PARAMS,
    quantiles: { type: 'boolean', default: false, description: 'average q05, q50 and q95 quantile by quantile (every member must produce them)' },
  }),
} satisfies EnsembleSpec

class Voting extends EnsembleComponent<typeof spec> {
  protected override readonly learnsFromTargets = false
  protected override readonly acceptsRegime = false
  private weights = new Float64Array(0)

  protected fitCombiner(layout: MemberLayout, _data: FitData): JsonObject {
    const m = layout.members.length
    const given = this.params.weights
    if (given.length !== 0 && given.length !== m)
      throw new FactoryError('E_PARAM', `${this.label} has ${given.length} weights for ${m} members (${layout.members.join(', ')}, in input order); give one per member or none for equal weights`, {
        path: 'params.weights',
        value: given,
        valid: [m],
      })
    const w = given.length ? Float64Array.from(given) : new Float64Array(m).fill(1)
    const total = w.reduce((a, b) => a + b, 0)
    if (!(total > 0)) throw new FactoryError('E_PARAM', `${this.label}: the weights sum to ${total}; at least one member needs a positive weight`, { path: 'params.weights', value: given })
    for (let j = 0; j < m; j++) w[j] /= total
    this.weights = w
    return { weights: Array.from(w) }
  }

  protected combine(layout: MemberLayout, x: Tensor): Outputs {
    const [n, width] = x.shape
    const d = x.data
    const w = this.weights
    const out: Outputs = {}
    for (const o of this.chosen) {
      const cols = outputColumns(layout, o, this.label)
      const v = new Float64Array(n)
      for (let i = 0, r = 0; i < n; i++, r += width) {
        let s = 0
        for (let j = 0; j < cols.length; j++) s += w[j] * d[r + cols[j]]
        v[i] = s
      }
      // a weighted mean of values in [0, 1] can exceed 1 by one rounding step
      if (o === 'p_up') for (let i = 0; i < n; i++) v[i] = Math.min(1, Math.max(0, v[i]))
      out[o] = v
    }
    return out
  }

  protected combinerState(): PluginState {
    return { state: {}, arrays: { weights: this.weights.slice() } }
  }

  protected loadCombiner(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    const w = arrays.weights
    if (!(w instanceof Float64Array)) throw new FactoryError('E_CONFIG', `${this.label} saved state needs a Float64Array 'weights'`, { valid: ['weights'] })
    this.weights = w.slice()
  }
}

registerEnsemble(spec, (params, opts) => new Voting(spec, params, opts))
