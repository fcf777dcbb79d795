import { kthSmallest } from './quantile.ts'

/**
 * The r-th smallest (1-based) of the union of K shifted lists, without materialising the union:
 *     upper side: { p_k + R_k[j] },  lower side: { p_k − R_k[j] },
 * where R_k is fold k's residuals sorted ascending (in `sorted`, fold k at [start[k], start[k+1])).
 * This is CV+'s bound at one test point. Materialising and selecting costs O(n) per test point;
 * this costs O(K log² n) by weighted-median elimination over the K sorted lists: each round takes
 * the weighted median of the lists' middle elements as pivot, counts by binary search how many
 * active elements lie below / at it, and drops the side that cannot hold the answer (at least a
 * quarter of what remains).
 *
 * The values compared are computed exactly as the direct method computes them (fl(p ± r) is
 * monotone in r, so each shifted list stays sorted), so the result is bit-identical to selecting
 * over the materialised union.
 */

export interface SortedFolds {
  sorted: Float64Array
  start: Int32Array
}

export function sortFolds(residual: Float64Array, fold: Int32Array, k: number): SortedFolds {
  const start = new Int32Array(k + 1)
  for (let i = 0; i < fold.length; i++) start[fold[i] + 1]++
  for (let j = 0; j < k; j++) start[j + 1] += start[j]
  const sorted = new Float64Array(residual.length)
  const at = start.slice(0, k)
  for (let i = 0; i < fold.length; i++) sorted[at[fold[i]]++] = residual[i]
  for (let j = 0; j < k; j++) sorted.subarray(start[j], start[j + 1]).sort()
  return { sorted, start }
}

/** Scratch for selectShifted, sized for K lists; reuse it across test points. */
export interface SelectWork {
  lo: Int32Array
  hi: Int32Array
  less: Int32Array
  leq: Int32Array
  mids: Float64Array
  weights: Float64Array
  order: Int32Array
  pool: Float64Array
}

export function selectWork(k: number): SelectWork {
  return {
    lo: new Int32Array(k),
    hi: new Int32Array(k),
    less: new Int32Array(k),
    leq: new Int32Array(k),
    mids: new Float64Array(k),
    weights: new Float64Array(k),
    order: new Int32Array(k),
    pool: new Float64Array(Math.max(64, 16 * k)),
  }
}

export function selectShifted(p: ArrayLike<number>, pOffset: number, f: SortedFolds, rank: number, lower: boolean, w: SelectWork): number {
  const { sorted, start } = f
  const k = start.length - 1
  const { lo, hi, less, leq, mids, weights, order, pool } = w
  // value j (ascending) of list c
  const value = lower
    ? (c: number, j: number): number => p[pOffset + c] - sorted[start[c + 1] - 1 - j]
    : (c: number, j: number): number => p[pOffset + c] + sorted[start[c] + j]
  let total = 0
  for (let c = 0; c < k; c++) {
    lo[c] = 0
    hi[c] = start[c + 1] - start[c]
    total += hi[c]
  }
  let r = rank
  if (r < 1) return -Infinity
  if (r > total) return Infinity
  for (;;) {
    if (total <= pool.length) {
      let m = 0
      for (let c = 0; c < k; c++) for (let j = lo[c]; j < hi[c]; j++) pool[m++] = value(c, j)
      return kthSmallest(pool, r, m)
    }
    // weighted median of the active lists' middle elements
    let nm = 0
    for (let c = 0; c < k; c++) {
      if (hi[c] <= lo[c]) continue
      mids[nm] = value(c, (lo[c] + hi[c]) >>> 1)
      weights[nm] = hi[c] - lo[c]
      order[nm] = nm
      nm++
    }
    const ord = order.subarray(0, nm).sort((a, b) => mids[a] - mids[b])
    let acc = 0
    let pivot = mids[ord[nm - 1]]
    for (let t = 0; t < nm; t++) {
      acc += weights[ord[t]]
      if (2 * acc >= total) {
        pivot = mids[ord[t]]
        break
      }
    }
    let nLess = 0
    let nLeq = 0
    for (let c = 0; c < k; c++) {
      // first index in [lo, hi) with value ≥ pivot, then first with value > pivot
      let a = lo[c]
      let b = hi[c]
      while (a < b) {
        const mid = (a + b) >>> 1
        if (value(c, mid) < pivot) a = mid + 1
        else b = mid
      }
      less[c] = a
      b = hi[c]
      while (a < b) {
        const mid = (a + b) >>> 1
        if (value(c, mid) <= pivot) a = mid + 1
        else b = mid
      }
      leq[c] = a
      nLess += less[c] - lo[c]
      nLeq += leq[c] - lo[c]
    }
    if (r <= nLess) {
      for (let c = 0; c < k; c++) hi[c] = less[c]
      total = nLess
    } else if (r <= nLeq) return pivot
    else {
      r -= nLeq
      for (let c = 0; c < k; c++) lo[c] = leq[c]
      total -= nLeq
    }
  }
}
