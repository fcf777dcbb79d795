import { FactoryError } from '../../contracts/errors.ts'
import type { JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { ParamSchema } from '../../contracts/params.ts'
import { kthSmallest, lowerRank, upperRank } from './quantile.ts'
import { intervalOutputs, savedArray } from './shared.ts'
import { selectShifted, selectWork, sortFolds } from './sortedSelect.ts'

/**
 * The part CV+ and jackknife+ share (Barber, Candès, Ramdas & Tibshirani 2021, §3–4): both hold
 * the calibration residuals Rᵢ = |yᵢ − μ̂₋ₖ₍ᵢ₎(Xᵢ)| of out-of-fold predictions and, at a test point
 * x, the K held-out models' predictions μ̂₋ₖ(x). The interval is
 *     lower = the ⌊α(n+1)⌋-th smallest of {μ̂₋ₖ₍ᵢ₎(x) − Rᵢ}   (−∞ when that rank is 0)
 *     upper = the ⌈(1−α)(n+1)⌉-th smallest of {μ̂₋ₖ₍ᵢ₎(x) + Rᵢ}  (+∞ when it exceeds n)
 * with coverage ≥ 1 − 2α (the papers' worst case; ≈ 1 − α in practice).
 *
 * Input layout (same width at fit and predict, which the base class enforces):
 *   x = (rows, K): column k holds the prediction of the model trained WITHOUT fold k.
 *   fit reads only x[i, k(i)] — the out-of-fold prediction of row i; the other entries of a
 *   calibration row are not used (they must still be finite; a caller without them may repeat the
 *   OOF value). predict reads all K columns of each test row.
 */

export interface PlusFit {
  residual: Float64Array
  fold: Int32Array
}

/** Residuals of the out-of-fold predictions x[i, fold[i]]. */
export function plusResiduals(x: Tensor, y: Float64Array, fold: Int32Array): Float64Array {
  const [n, k] = x.shape
  const r = new Float64Array(n)
  for (let i = 0; i < n; i++) r[i] = Math.abs(y[i] - x.data[i * k + fold[i]])
  return r
}

/**
 * How plusBounds selects: 'direct' materialises the n shifted values per test row and selects,
 * O(n) per row; 'sorted' selects across the K per-fold sorted residual lists, O(K log² n) per row
 * (sortedSelect.ts). Both return bit-identical bounds; 'auto' picks 'sorted' when K ≤ n / 64,
 * i.e. CV+ with a few folds on many rows, and 'direct' for jackknife+ (K = n).
 */
export type PlusStrategy = 'auto' | 'direct' | 'sorted'

/** CV+/jackknife+ bounds for every row of x (m, K). */
export function plusBounds(x: Tensor, fit: PlusFit, coverage: number, ctx?: RunContext, strategy: PlusStrategy = 'auto'): { lo: Float64Array; hi: Float64Array } {
  const [m, k] = x.shape
  const { residual, fold } = fit
  const n = residual.length
  const kLo = lowerRank(n, coverage)
  const kHi = upperRank(n, coverage)
  const lo = new Float64Array(m)
  const hi = new Float64Array(m)
  const d = x.data
  const sorted = strategy === 'sorted' || (strategy === 'auto' && k * 64 <= n)
  const folds = sorted ? sortFolds(residual, fold, k) : undefined
  const work = sorted ? selectWork(k) : undefined
  const a = sorted ? new Float64Array(0) : new Float64Array(n)
  for (let j = 0; j < m; j++) {
    const o = j * k
    if (folds && work) {
      lo[j] = selectShifted(d, o, folds, kLo, true, work)
      hi[j] = selectShifted(d, o, folds, kHi, false, work)
    } else {
      if (kLo >= 1) {
        for (let i = 0; i < n; i++) a[i] = d[o + fold[i]] - residual[i]
        lo[j] = kthSmallest(a, kLo)
      } else lo[j] = -Infinity
      if (kHi <= n) {
        for (let i = 0; i < n; i++) a[i] = d[o + fold[i]] + residual[i]
        hi[j] = kthSmallest(a, kHi)
      } else hi[j] = Infinity
    }
    if (ctx && (j & 1023) === 1023) ctx.progress(j / m)
  }
  return { lo, hi }
}

/** The component skeleton: subclasses decide how fold ids are read and what x's width must be. */
export abstract class PlusConformal<S extends InferenceSpec & { defaults: ParamSchema }> extends BaseComponent<S> {
  protected fitState: PlusFit = { residual: new Float64Array(0), fold: new Int32Array(0) }

  protected abstract coverage(): number

  protected predictImpl(x: Tensor, ctx: RunContext): Outputs {
    const { lo, hi } = plusBounds(x, this.fitState, this.coverage(), ctx)
    return intervalOutputs(lo, hi)
  }

  protected saveState(): PluginState {
    return { state: {}, arrays: { residual: this.fitState.residual.slice(), fold: this.fitState.fold.slice() } }
  }

  protected loadState(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    const residual = savedArray(this.label, arrays, 'residual')
    const fold = arrays.fold
    if (!(fold instanceof Int32Array) || fold.length !== residual.length)
      throw new FactoryError('E_CONFIG', `${this.label} saved state needs an Int32Array 'fold' as long as 'residual' (${residual.length})`, { value: Object.keys(arrays), valid: ['residual', 'fold'] })
    this.fitState = { residual, fold: fold.slice() }
  }
}
