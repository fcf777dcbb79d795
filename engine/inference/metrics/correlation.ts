import { averageRanks } from './argsort.ts'
import { checkFiniteOrNaN, checkLengths, type MetricResult } from './rows.ts'

/**
 * Correlations between a forecast and the realised value over rows where neither is NaN.
 * Undefined (NaN) with fewer than 2 rows or when either side is constant on the rows used;
 * scipy returns NaN (with a warning) for a constant side and raises for n < 2.
 */

function pairedRows(fn: string, x: Float64Array, y: Float64Array): Uint32Array {
  const n = checkLengths(fn, { x, y })
  checkFiniteOrNaN(fn, 'x', x)
  checkFiniteOrNaN(fn, 'y', y)
  const rows = new Uint32Array(n)
  let m = 0
  for (let i = 0; i < n; i++) if (x[i] === x[i] && y[i] === y[i]) rows[m++] = i
  return rows.subarray(0, m)
}

/** Pearson r of two equally long dense arrays, two-pass (centred sums) for accuracy. */
function pearsonDense(a: Float64Array, b: Float64Array): number {
  const m = a.length
  // Constant input is tested on the values, as scipy does: the centred sums of a constant column
  // are rounding noise (mean of forty 0.01s is not 0.01), not zero, and would give r ≈ ±1e-16.
  if (m < 2 || isConstant(a) || isConstant(b)) return Number.NaN
  let sa = 0
  let sb = 0
  for (let k = 0; k < m; k++) {
    sa += a[k]
    sb += b[k]
  }
  const ma = sa / m
  const mb = sb / m
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let k = 0; k < m; k++) {
    const da = a[k] - ma
    const db = b[k] - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  if (saa === 0 || sbb === 0) return Number.NaN // squares of tiny deviations can underflow to 0
  const r = sab / Math.sqrt(saa * sbb)
  return Math.max(-1, Math.min(1, r)) // rounding can step just outside; scipy clips the same way
}

function isConstant(a: Float64Array): boolean {
  for (let k = 1; k < a.length; k++) if (a[k] !== a[0]) return false
  return true
}

function gather(a: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length)
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]]
  return out
}

/** Pearson product-moment correlation (scipy.stats.pearsonr's statistic). */
export function pearson(x: Float64Array, y: Float64Array): MetricResult {
  const rows = pairedRows('pearson', x, y)
  return { value: pearsonDense(gather(x, rows), gather(y, rows)), n: rows.length }
}

/**
 * Information coefficient: Spearman rank correlation (scipy.stats.spearmanr), i.e. Pearson r of
 * the average ranks (ties share the mean of their ranks). Ranks are taken over the rows used, so
 * a NaN row elsewhere does not shift anyone's rank.
 */
export function ic(pred: Float64Array, actual: Float64Array): MetricResult {
  const rows = pairedRows('ic', pred, actual)
  return { value: pearsonDense(averageRanks(pred, rows), averageRanks(actual, rows)), n: rows.length }
}
