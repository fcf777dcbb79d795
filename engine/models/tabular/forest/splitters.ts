import type { Rng } from '../../../data/rng.ts'

/**
 * Split search for one feature at one node; both return false when the feature is constant over
 * the node (it then does not count as a usable feature, see cart.ts) and otherwise update `res`
 * when the feature's split beats it. Proxy = S_L²/W_L + S_R²/W_R (cart.ts explains why that is
 * Gini on 0/1 labels); a candidate must beat the incumbent strictly, so among equal splits the
 * first one visited wins.
 *
 * Thresholds follow scikit-learn: the best splitter cuts halfway between two neighbouring distinct
 * values (falling back to the lower one if the midpoint rounds onto the upper), the random
 * splitter draws uniformly in [min, max) of the node's values (a draw equal to max becomes min).
 * Unlike scikit-learn, values closer than 1e-7 are not merged: unscaled inputs such as returns
 * (|x| ~ 1e-4) have neighbours that close, and tree models are declared scale-free
 * (normalization 'any'), so distinct means distinct.
 */

export interface SplitResult {
  proxy: number
  feature: number
  threshold: number
  /** rows going left */
  nLeft: number
}

/**
 * Best split of feature j: one pass over the node's rows in ascending order of the feature
 * (`list[base + start .. base + end)`), accumulating the left side.
 */
export function bestSplit(
  cols: Float64Array,
  colBase: number,
  list: Int32Array,
  base: number,
  start: number,
  end: number,
  w: Float64Array,
  wy: Float64Array,
  W: number,
  S: number,
  minLeaf: number,
  res: SplitResult,
  j: number,
): boolean {
  const s = base + start
  const e = base + end
  let v = cols[colBase + list[s]]
  if (!(cols[colBase + list[e - 1]] > v)) return false
  let wl = 0
  let sl = 0
  for (let k = s; k < e - 1; k++) {
    const r = list[k]
    wl += w[r]
    sl += wy[r]
    const vn = cols[colBase + list[k + 1]]
    const nl = k - s + 1
    if (vn > v && nl >= minLeaf) {
      if (e - k - 1 < minLeaf) break
      const sr = S - sl
      const proxy = (sl * sl) / wl + (sr * sr) / (W - wl)
      if (proxy > res.proxy) {
        res.proxy = proxy
        res.feature = j
        res.nLeft = nl
        let t = v / 2 + vn / 2
        if (t === vn || !Number.isFinite(t)) t = v
        res.threshold = t
      }
    }
    v = vn
  }
  return true
}

/**
 * Extremely randomised split of feature j: one random threshold, then one pass to score it. The
 * node's values are gathered into `xf` on the min/max pass so the scoring pass reads only
 * sequential memory (`ws`, `wys` are the node rows' w and w·y in list order).
 */
export function randomSplit(
  cols: Float64Array,
  colBase: number,
  rows: Int32Array,
  ws: Float64Array,
  wys: Float64Array,
  xf: Float64Array,
  start: number,
  end: number,
  W: number,
  S: number,
  minLeaf: number,
  res: SplitResult,
  j: number,
  rng: Rng,
): boolean {
  let lo = Infinity
  let hi = -Infinity
  for (let k = start; k < end; k++) {
    const v = cols[colBase + rows[k]]
    xf[k] = v
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (!(hi > lo)) return false
  let t = lo + (hi - lo) * rng.next()
  if (t >= hi) t = lo
  let wl = 0
  let sl = 0
  let nl = 0
  // branch-free (the side of a row is unpredictable); adding 0 leaves the sums bit-identical
  for (let k = start; k < end; k++) {
    const c = +(xf[k] <= t)
    wl += c * ws[k]
    sl += c * wys[k]
    nl += c
  }
  if (nl < minLeaf || end - start - nl < minLeaf) return true
  const sr = S - sl
  const proxy = (sl * sl) / wl + (sr * sr) / (W - wl)
  if (proxy > res.proxy) {
    res.proxy = proxy
    res.feature = j
    res.nLeft = nl
    res.threshold = t
  }
  return true
}
