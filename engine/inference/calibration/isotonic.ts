import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { JsonObject, JsonValue, NumericArray } from '../../contracts/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerInference } from '../../registry/index.ts'
import { sortRows } from '../metrics/index.ts'
import { CALIBRATION_SPEC, Calibrator } from './calibrator.ts'
import type { CalibrationData } from './calibrator.ts'

/**
 * Isotonic calibration: the non-decreasing step-free map from p to P(y = 1) that minimises the
 * weighted squared error, by pool-adjacent-violators. Reproduces scikit-learn's
 * IsotonicRegression(increasing=True, out_of_bounds='clip', y_min=0, y_max=1) (1.2.1) step by
 * step, so the thresholds — not just the predictions — match:
 *
 * 1. rows with weight 0 are dropped; rows are ordered by p, ties by label (np.lexsort((y, p)));
 * 2. tied p are merged into one point with the weighted mean label and the summed weight. As
 *    sklearn's `_make_unique` does, "tied" means within 1e-15 (numpy's float64 resolution) of
 *    the first p of the group, and the group keeps that first p;
 * 3. PAVA over the merged points (equal neighbours are pooled too), then clipped to [0, 1];
 * 4. interior points whose value equals both neighbours are dropped (they change no prediction).
 *
 * Predict: p is clipped to [min, max] of the fitted p, then linearly interpolated between the
 * thresholds exactly as np.interp does (an exact threshold returns its value; otherwise
 * slope·(p − x_j) + y_j on the segment x_j ≤ p < x_{j+1}).
 */
const spec = {
  name: 'isotonic',
  description: 'Isotonic regression (pool-adjacent-violators), linear between thresholds, clipped outside the fitted range',
  ...CALIBRATION_SPEC,
  defaults: defineParams({}),
} satisfies InferenceSpec

/** numpy's float64 `resolution`: sklearn's _make_unique merges p closer than this to a group's first p. */
export const TIE_RESOLUTION = 1e-15

export interface IsotonicMap {
  /** strictly increasing p thresholds */
  x: Float64Array
  /** non-decreasing calibrated values at the thresholds */
  y: Float64Array
}

/** In-place weighted PAVA (non-decreasing) over y with weights w, pooling equal neighbours as sklearn does. */
export function poolAdjacentViolators(y: Float64Array, w: Float64Array): void {
  const n = y.length
  // end[start] = last index of the block starting at start; end[last] = its start (a back link)
  const end = new Int32Array(n)
  for (let i = 0; i < n; i++) end[i] = i
  let i = 0
  while (i < n) {
    let k = end[i] + 1
    if (k === n) break
    if (y[i] < y[k]) {
      i = k
      continue
    }
    let sumWy = w[i] * y[i]
    let sumW = w[i]
    for (;;) {
      const prev = y[k]
      sumWy += w[k] * y[k]
      sumW += w[k]
      k = end[k] + 1
      if (k === n || prev < y[k]) {
        y[i] = sumWy / sumW
        w[i] = sumW
        end[i] = k - 1
        end[k - 1] = i
        // step back one block: the merged block may now violate its left neighbour
        if (i > 0) i = end[i - 1]
        break
      }
    }
  }
  for (let s = 0; s < n; ) {
    const e = end[s] + 1
    y.fill(y[s], s + 1, e)
    s = e
  }
}

/** Fit the isotonic map of labels y on p (weights w, undefined = 1). */
export function fitIsotonic(p: Float64Array, y: Float64Array, w: Float64Array | undefined, onStep?: (fraction: number) => void): IsotonicMap {
  const n = p.length
  // label-0 rows first, then label-1 rows, each in input order: a stable sort by p then gives lexsort((y, p))
  const rows = new Uint32Array(n)
  let cnt = 0
  for (const label of [0, 1]) for (let i = 0; i < n; i++) if (y[i] === label && (!w || w[i] > 0)) rows[cnt++] = i
  if (cnt === 0) throw new FactoryError('E_VALIDATION', 'isotonic: no row has a positive weight', { path: 'weight' })
  const { order, sorted } = sortRows(p, rows.subarray(0, cnt))
  onStep?.(0.3)

  const ux = new Float64Array(cnt)
  const uy = new Float64Array(cnt)
  const uw = new Float64Array(cnt)
  let m = 0
  let cx = sorted[0]
  let sy = 0
  let sw = 0
  for (let k = 0; k < cnt; k++) {
    const r = order[k]
    const wi = w ? w[r] : 1
    if (sorted[k] - cx >= TIE_RESOLUTION) {
      ux[m] = cx
      uy[m] = sy / sw
      uw[m++] = sw
      cx = sorted[k]
      sy = 0
      sw = 0
    }
    sy += y[r] * wi
    sw += wi
  }
  ux[m] = cx
  uy[m] = sy / sw
  uw[m++] = sw

  const fy = uy.slice(0, m)
  poolAdjacentViolators(fy, uw.subarray(0, m))
  onStep?.(0.7)
  for (let i = 0; i < m; i++) fy[i] = Math.min(1, Math.max(0, fy[i]))

  const keep = new Uint32Array(m)
  let kept = 0
  for (let i = 0; i < m; i++) if (i === 0 || i === m - 1 || fy[i] !== fy[i - 1] || fy[i] !== fy[i + 1]) keep[kept++] = i
  const k2 = keep.subarray(0, kept)
  return { x: Float64Array.from(k2, (i) => ux[i]), y: Float64Array.from(k2, (i) => fy[i]) }
}

/** The map at each p: clipped to the fitted range, then np.interp over the thresholds. */
export function applyIsotonic(map: IsotonicMap, p: Float64Array): Float64Array {
  const { x, y } = map
  const m = x.length
  const out = new Float64Array(p.length)
  if (m === 1) return out.fill(y[0])
  const lo = x[0]
  const hi = x[m - 1]
  for (let i = 0; i < p.length; i++) {
    const v = p[i] < lo ? lo : p[i] > hi ? hi : p[i]
    if (v === hi) {
      out[i] = y[m - 1]
      continue
    }
    // j with x[j] ≤ v < x[j+1]
    let a = 0
    let b = m - 1
    while (b - a > 1) {
      const mid = (a + b) >>> 1
      if (x[mid] <= v) a = mid
      else b = mid
    }
    out[i] = x[a] === v ? y[a] : ((y[a + 1] - y[a]) / (x[a + 1] - x[a])) * (v - x[a]) + y[a]
  }
  return out
}

class IsotonicCalibrator extends Calibrator<typeof spec> {
  private map: IsotonicMap = { x: new Float64Array(0), y: new Float64Array(0) }

  protected fitMap({ p, y, w }: CalibrationData, ctx: RunContext): JsonObject {
    this.map = fitIsotonic(p, y, w, (f) => ctx.progress(f))
    return { thresholds: this.map.x.length }
  }

  protected applyMap(p: Float64Array): Float64Array {
    return applyIsotonic(this.map, p)
  }

  protected saveState(): PluginState {
    return { state: {}, arrays: { x: this.map.x.slice(), y: this.map.y.slice() } }
  }

  protected loadState(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    const { x, y } = arrays
    if (!(x instanceof Float64Array) || !(y instanceof Float64Array) || x.length !== y.length || x.length === 0)
      throw new FactoryError('E_CONFIG', `${this.label} saved state needs Float64Array arrays 'x' and 'y' of one non-zero length; got ${Object.keys(arrays).join(', ') || 'none'}`, {
        value: Object.keys(arrays),
        valid: ['x', 'y'],
      })
    this.map = { x: x.slice(), y: y.slice() }
  }
}

registerInference(spec, (params, opts) => new IsotonicCalibrator('inference', spec, params, opts))
