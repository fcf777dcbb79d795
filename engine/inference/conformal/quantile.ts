/**
 * The finite-sample conformal quantile, shared by every method in this folder.
 *
 * With n exchangeable calibration scores and a new score, the new score's rank among the n + 1 is
 * uniform, so the k-th smallest calibration score with k = ⌈(n + 1)(1 − α)⌉ bounds the new score
 * with probability ≥ 1 − α (Vovk et al.; Lei et al. 2018). When k > n no calibration score is
 * large enough: the honest bound is +∞ (an unbounded interval), and we return it rather than
 * clamp to the largest score, which would silently lose the guarantee. The lower-tail twin
 * ⌊α(n + 1)⌋ (CV+/jackknife+) gives −∞ when it is 0.
 *
 * Ranks are computed with a 1e-9 guard: (n + 1)·coverage is often an integer in exact arithmetic
 * but not in binary (e.g. 10 × (1 − 0.9) = 0.9999999999999998, whose floor is 0, not 1). The guard
 * is far above double rounding (~1e-16·n) and far below a rank step (1), so it only ever undoes
 * representation error. scripts/fixtures/conformal_reference.py applies the same guard.
 */

export const RANK_GUARD = 1e-9

/** ⌈(n + 1)·coverage⌉: the rank (1-based) of the upper conformal quantile; may exceed n. */
export function upperRank(n: number, coverage: number): number {
  return Math.ceil((n + 1) * coverage - RANK_GUARD)
}

/** ⌊(n + 1)·(1 − coverage)⌋: the rank (1-based) of the lower CV+/jackknife+ bound; may be 0. */
export function lowerRank(n: number, coverage: number): number {
  return Math.floor((n + 1) * (1 - coverage) + RANK_GUARD)
}

/**
 * The k-th smallest (1-based) of a[0..n), reordering a in place; −∞ when k < 1 and +∞ when k > n
 * (the conformal conventions above). Quickselect with a median-of-three pivot and Hoare
 * partitioning: expected O(n), and runs of equal scores (common with rounded prices) split evenly
 * instead of degrading to O(n²).
 */
export function kthSmallest(a: Float64Array, k: number, n: number = a.length): number {
  if (k < 1) return -Infinity
  if (k > n) return Infinity
  let lo = 0
  let hi = n - 1
  const target = k - 1
  while (hi > lo) {
    const mid = (lo + hi) >>> 1
    // order a[lo], a[mid], a[hi] so the pivot is their median
    if (a[mid] < a[lo]) swap(a, mid, lo)
    if (a[hi] < a[lo]) swap(a, hi, lo)
    if (a[hi] < a[mid]) swap(a, hi, mid)
    const pivot = a[mid]
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        swap(a, i, j)
        i++
        j--
      }
    }
    // now a[lo..j] ≤ pivot ≤ a[i..hi], and a[j+1..i-1] all equal the pivot
    if (target <= j) hi = j
    else if (target >= i) lo = i
    else return a[target]
  }
  return a[target]
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]
  a[i] = a[j]
  a[j] = t
}

/** The conformal quantile of `scores` at `coverage` (scores are not modified). */
export function conformalQuantile(scores: Float64Array, coverage: number): number {
  return kthSmallest(scores.slice(), upperRank(scores.length, coverage))
}
