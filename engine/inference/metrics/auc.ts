import { sortRows } from './argsort.ts'
import { checkFiniteOrNaN, checkLabels, checkLengths, checkWeights, type MetricResult, type WeightOption } from './rows.ts'

/**
 * Area under the ROC curve of scores `p` for binary labels `y` (sklearn.metrics.roc_auc_score).
 *
 * Ties follow sklearn: the curve has one point per distinct score (all rows sharing a score move
 * together), and the area is the trapezoid rule over those points — so a tie between a positive
 * and a negative counts one half. O(n log n): one argsort, one pass from the highest score down.
 *
 * Degenerate input: when the rows used hold only one class (or one class has zero total weight)
 * the AUC is undefined; sklearn raises, this returns NaN so that a fold with one class still
 * stores a row (NULL in SQLite). Scores may be any finite number (not only probabilities).
 */
export function rocAuc(p: Float64Array, y: Float64Array, opts: WeightOption = {}): MetricResult {
  const fn = 'rocAuc'
  const n = checkLengths(fn, { p, y })
  checkFiniteOrNaN(fn, 'p', p)
  checkLabels(fn, 'y', y)
  checkWeights(fn, opts.weight, n)
  const w = opts.weight

  let m = 0
  const rows = new Uint32Array(n)
  // Labels as bytes: the walk below reads them in score order, i.e. at random, and 1 MB stays in cache where 8 MB does not.
  const pos = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    if (p[i] === p[i] && y[i] === y[i]) rows[m++] = i
    pos[i] = y[i] === 1 ? 1 : 0
  }
  const { order, sorted } = sortRows(p, rows.subarray(0, m))

  // Walk thresholds from the highest score down. Per group of equal scores, the curve steps from
  // (fp, tp) to (fp + dfp, tp + dtp); the trapezoid under that step is dfp·(2tp + dtp)/2. Without
  // weights every quantity is an integer below 2^53 (n up to ~9·10^7), so the area is exact and only the final
  // division rounds.
  let tp = 0
  let fp = 0
  let twiceArea = 0
  let k = m - 1
  while (k >= 0) {
    const s = sorted[k]
    let dtp = 0
    let dfp = 0
    if (w === undefined) {
      while (k >= 0 && sorted[k] === s) {
        if (pos[order[k]] === 1) dtp++
        else dfp++
        k--
      }
    } else {
      while (k >= 0 && sorted[k] === s) {
        const r = order[k]
        if (pos[r] === 1) dtp += w[r]
        else dfp += w[r]
        k--
      }
    }
    twiceArea += dfp * (2 * tp + dtp)
    tp += dtp
    fp += dfp
  }
  const value = tp > 0 && fp > 0 ? twiceArea / (2 * tp * fp) : Number.NaN
  return { value, n: m }
}
