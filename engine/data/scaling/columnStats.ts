import { FactoryError } from '../../contracts/errors.ts'

/**
 * Per-column statistics over the training rows of a row-major feature matrix. Only rows inside
 * `ranges` are read — that is the whole leakage guarantee of the scalers — and non-finite values
 * are skipped column by column (a warm-up NaN in one feature does not drop the row's others).
 */

export type Matrix = Float64Array | Float32Array

/** Half-open row range [start, end), the shape the splitters hand out. */
export interface RowRange {
  start: number
  end: number
}

export function checkMatrix(X: Matrix, n: number, f: number, what = 'X'): void {
  if (!(X instanceof Float64Array || X instanceof Float32Array)) {
    throw new FactoryError('E_SHAPE', `${what} must be a Float64Array or Float32Array (row-major n×f)`, { path: what, value: Object.prototype.toString.call(X), valid: ['Float64Array', 'Float32Array'] })
  }
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(f) || f < 1 || X.length !== n * f) {
    throw new FactoryError('E_SHAPE', `${what} has ${X.length} values, which is not n×f = ${n}×${f}`, { path: what, value: X.length, valid: [`${n}×${f} = ${n * f}`] })
  }
}

/** Ranges must be ascending, disjoint, non-empty and inside [0, n): overlap would count rows twice. */
export function checkRanges(ranges: readonly RowRange[], n: number): void {
  if (!Array.isArray(ranges) || ranges.length === 0) {
    throw new FactoryError('E_PARAM', 'trainRanges is empty: a scaler needs at least one training row range', { path: 'trainRanges', value: ranges, valid: ['[{ start, end }, …]'] })
  }
  let prevEnd = 0
  ranges.forEach((r, i) => {
    const ok = Number.isInteger(r?.start) && Number.isInteger(r?.end) && r.start >= prevEnd && r.start < r.end && r.end <= n
    if (!ok) {
      throw new FactoryError('E_PARAM', `trainRanges[${i}] = ${JSON.stringify(r)} is invalid: ranges are [start, end) with integers, ascending, disjoint, non-empty, within [0, ${n})`, {
        path: `trainRanges[${i}]`,
        value: r,
        valid: [`start >= ${prevEnd}, start < end <= ${n}`],
      })
    }
    prevEnd = r.end
  })
}

function noData(j: number, names?: readonly string[]): FactoryError {
  const col = names?.[j] ?? j
  return new FactoryError('E_NAN_INPUT', `feature column ${JSON.stringify(col)} has no finite value in the training rows; drop it or widen the training span`, {
    column: col,
    value: 'all NaN',
  })
}

export interface MomentStats {
  mean: Float64Array
  std: Float64Array
  count: Float64Array
  /** true where every finite training value is identical */
  constant: Uint8Array
}

/** Mean and population std (ddof 0, as scikit-learn) by two passes, for accuracy at large offsets. */
export function columnMoments(X: Matrix, n: number, f: number, ranges: readonly RowRange[], names?: readonly string[]): MomentStats {
  const sum = new Float64Array(f), count = new Float64Array(f)
  const lo = new Float64Array(f).fill(Infinity), hi = new Float64Array(f).fill(-Infinity)
  for (const r of ranges) {
    for (let i = r.start; i < r.end; i++) {
      const o = i * f
      for (let j = 0; j < f; j++) {
        const v = X[o + j]
        if (v - v !== 0) continue // NaN or ±Infinity
        sum[j] += v
        count[j]++
        if (v < lo[j]) lo[j] = v
        if (v > hi[j]) hi[j] = v
      }
    }
  }
  const mean = new Float64Array(f)
  for (let j = 0; j < f; j++) {
    if (count[j] === 0) throw noData(j, names)
    mean[j] = sum[j] / count[j]
  }
  const ss = new Float64Array(f)
  for (const r of ranges) {
    for (let i = r.start; i < r.end; i++) {
      const o = i * f
      for (let j = 0; j < f; j++) {
        const v = X[o + j]
        if (v - v !== 0) continue
        const d = v - mean[j]
        ss[j] += d * d
      }
    }
  }
  const std = new Float64Array(f), constant = new Uint8Array(f)
  for (let j = 0; j < f; j++) {
    std[j] = Math.sqrt(ss[j] / count[j])
    constant[j] = lo[j] === hi[j] ? 1 : 0
  }
  return { mean, std, count, constant }
}

/** k-th smallest of a[lo..hi] (inclusive), partially reordering a; Hoare selection, median-of-3. */
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1
  while (hi > lo) {
    const mid = (lo + hi) >>> 1
    // median of three as pivot keeps sorted or reversed input from going quadratic
    const x = a[lo], y = a[mid], z = a[hi]
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y
    let i = lo, j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t
        i++; j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k]
  }
  return a[k]
}

/** numpy's default ('linear') percentile of the values in `a` (reorders a). q in [0, 100]. */
export function percentileInPlace(a: Float64Array, q: number): number {
  const pos = (q / 100) * (a.length - 1)
  const k = Math.floor(pos)
  const v = select(a, k)
  const frac = pos - k
  if (frac === 0 || k + 1 >= a.length) return v
  // after selecting k, everything right of k is >= a[k]; the next order statistic is their minimum
  let next = Infinity
  for (let i = k + 1; i < a.length; i++) if (a[i] < next) next = a[i]
  return v + (next - v) * frac
}

export interface QuantileStats {
  median: Float64Array
  qLow: Float64Array
  qHigh: Float64Array
  count: Float64Array
}

export function columnQuantiles(
  X: Matrix,
  n: number,
  f: number,
  ranges: readonly RowRange[],
  qLow: number,
  qHigh: number,
  names?: readonly string[],
): QuantileStats {
  let total = 0
  for (const r of ranges) total += r.end - r.start
  const buf = new Float64Array(total)
  const out: QuantileStats = { median: new Float64Array(f), qLow: new Float64Array(f), qHigh: new Float64Array(f), count: new Float64Array(f) }
  for (let j = 0; j < f; j++) {
    let m = 0
    for (const r of ranges) {
      for (let i = r.start; i < r.end; i++) {
        const v = X[i * f + j]
        if (v - v === 0) buf[m++] = v
      }
    }
    if (m === 0) throw noData(j, names)
    const col = buf.subarray(0, m)
    out.count[j] = m
    out.median[j] = percentileInPlace(col, 50)
    out.qLow[j] = percentileInPlace(col, qLow)
    out.qHigh[j] = percentileInPlace(col, qHigh)
  }
  return out
}
