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
 * Conformalized quantile regression (Romano, Patterson & Candès 2019, Algorithm 1).
 *
 * fit:     x = (n, 2) columns [q05, q95]: a model's lower and upper quantile predictions on a
 *          calibration span it did not train on; y.ret = realised outcomes.
 *          Scores Eᵢ = max(q_lo,ᵢ − yᵢ, yᵢ − q_hi,ᵢ) (negative inside the band);
 *          Q = the ⌈(n+1)·coverage⌉-th smallest (+∞ when that rank exceeds n).
 * predict: x = (m, 2) [q05, q95]; interval [q_lo − Q, q_hi + Q].
 *
 * Q < 0 narrows a band that was too wide; the band can then cross at a test point whose own band
 * is narrow (an empty set in the paper's definition). The bounds are emitted as computed and the
 * width (uncertainty) is 0 there. The quantile levels of the inputs need not match `coverage`:
 * the correction Q calibrates whatever band it is given to the coverage asked for.
 */

const spec = {
  name: 'cqr',
  description: 'conformalized quantile regression: widens or narrows a q05/q95 band to the target coverage',
  category: 'conformal',
  inputs: ['q05', 'q95'],
  outputs: INTERVAL_OUTPUTS,
  requiresHoldout: true,
  defaults: defineParams({ coverage: COVERAGE_PARAM }),
} satisfies InferenceSpec

/** CQR conformity score of one row; exported for ACI, which can run on the same scores. */
export function cqrScore(qLo: number, qHi: number, y: number): number {
  const a = qLo - y
  const b = y - qHi
  return a > b ? a : b
}

class Cqr extends BaseComponent<typeof spec> {
  private correction: Float64Array = new Float64Array(1)

  protected fitImpl(data: FitData): JsonObject {
    checkNames(this.label, data.names, ['q05', 'q95'])
    const [n, w] = data.x.shape
    if (w !== 2)
      throw new FactoryError('E_SHAPE', `${this.label} takes x = (n, 2): columns [q05, q95]; got ${w} columns`, { path: 'x', value: w, valid: [2] })
    const y = readOutcome(this.label, data)
    const x = data.x.data
    const scores = new Float64Array(n)
    for (let i = 0; i < n; i++) scores[i] = cqrScore(x[2 * i], x[2 * i + 1], y[i])
    const k = upperRank(n, this.params.coverage)
    const q = kthSmallest(scores, k)
    this.correction = Float64Array.of(q)
    return { n, rank: k, unbounded: k > n, correction: Number.isFinite(q) ? q : null }
  }

  protected predictImpl(x: Tensor): Outputs {
    const n = x.shape[0]
    const q = this.correction[0]
    const lo = new Float64Array(n)
    const hi = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      lo[i] = x.data[2 * i] - q
      hi[i] = x.data[2 * i + 1] + q
    }
    return intervalOutputs(lo, hi)
  }

  protected saveState(): PluginState {
    return { state: {}, arrays: { correction: this.correction.slice() } }
  }

  protected loadState(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    this.correction = savedArray(this.label, arrays, 'correction', 1)
  }
}

registerInference(spec, (params, opts) => new Cqr('inference', spec, params, opts))
