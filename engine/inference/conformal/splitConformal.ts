import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState } from '../../registry/component.ts'
import { registerInference } from '../../registry/index.ts'
import { kthSmallest, upperRank } from './quantile.ts'
import { COVERAGE_PARAM, INTERVAL_OUTPUTS, checkNames, intervalOutputs, readOutcome, savedArray } from './shared.ts'

/**
 * Split conformal prediction with absolute residuals (Lei et al. 2018, §2.2).
 *
 * fit:     x = (n, 1) point predictions ŷ (E_r) on a calibration span the model did not train on,
 *          y.ret = realised outcomes. Scores Rᵢ = |yᵢ − ŷᵢ|; q = the ⌈(n+1)·coverage⌉-th smallest
 *          (+∞ when that rank exceeds n: too few calibration rows for the coverage asked).
 * predict: x = (m, 1) point predictions; q05 = ŷ − q, q95 = ŷ + q, uncertainty = 2q.
 * Marginal coverage ≥ coverage when calibration and test rows are exchangeable.
 */

const spec = {
  name: 'split_conformal',
  description: 'split conformal interval ŷ ± q from absolute residuals on a calibration span',
  category: 'conformal',
  inputs: ['E_r'],
  outputs: INTERVAL_OUTPUTS,
  requiresHoldout: true,
  defaults: defineParams({ coverage: COVERAGE_PARAM }),
} satisfies InferenceSpec

class SplitConformal extends BaseComponent<typeof spec> {
  private q: Float64Array = new Float64Array(1)

  protected fitImpl(data: FitData): JsonObject {
    checkNames(this.label, data.names, ['E_r'])
    const [n, w] = data.x.shape
    if (w !== 1) throw widthError(this.label, w)
    const y = readOutcome(this.label, data)
    const pred = data.x.data
    const scores = new Float64Array(n)
    for (let i = 0; i < n; i++) scores[i] = Math.abs(y[i] - pred[i])
    const k = upperRank(n, this.params.coverage)
    this.q = Float64Array.of(kthSmallest(scores, k))
    // q may be +∞, which JSON cannot carry: report it as a flag, keep the number in arrays.
    return { n, rank: k, unbounded: k > n, q: Number.isFinite(this.q[0]) ? this.q[0] : null }
  }

  protected predictImpl(x: Tensor): Outputs {
    const n = x.shape[0]
    const q = this.q[0]
    const lo = new Float64Array(n)
    const hi = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      lo[i] = x.data[i] - q
      hi[i] = x.data[i] + q
    }
    return intervalOutputs(lo, hi)
  }

  protected saveState(): PluginState {
    return { state: {}, arrays: { q: this.q.slice() } }
  }

  protected loadState(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    this.q = savedArray(this.label, arrays, 'q', 1)
  }
}

function widthError(label: string, w: number) {
  return new FactoryError('E_SHAPE', `${label} takes x = (n, 1): the point prediction E_r; got ${w} columns`, { path: 'x', value: w, valid: [1] })
}

registerInference(spec, (params, opts) => new SplitConformal('inference', spec, params, opts))
