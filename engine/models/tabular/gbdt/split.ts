import type { BinMapper } from './binning.ts'

/**
 * Split search over a node histogram with LightGBM's regularised objective: a leaf with gradient
 * sum G and hessian sum H has output −T(G)/(H+λ2) and scores T(G)²/(H+λ2), where T is the L1
 * soft-threshold. A split is kept when scoreL + scoreR exceeds the parent's score by more than
 * min_gain_to_split; its recorded gain is that excess (what gain importance sums, as LightGBM).
 */

export interface SplitParams {
  lambdaL1: number
  lambdaL2: number
  minDataInLeaf: number
  minSumHessianInLeaf: number
  minGainToSplit: number
}

export interface SplitInfo {
  /** improvement over the parent minus min_gain_to_split; −Infinity when no valid split */
  gain: number
  /** −1 when no valid split */
  feature: number
  /** rows with bin <= bin go left */
  bin: number
  /** where missing values (and NaN at predict time) go */
  defaultLeft: boolean
  leftG: number
  leftH: number
  leftCount: number
  rightG: number
  rightH: number
  rightCount: number
}

export function emptySplit(): SplitInfo {
  return { gain: -Infinity, feature: -1, bin: 0, defaultLeft: false, leftG: 0, leftH: 0, leftCount: 0, rightG: 0, rightH: 0, rightCount: 0 }
}

export function thresholdL1(s: number, l1: number): number {
  if (l1 <= 0) return s
  const r = Math.abs(s) - l1
  return r > 0 ? Math.sign(s) * r : 0
}

/** Optimal leaf value for sums (G, H) before shrinkage. */
export function leafOutput(G: number, H: number, p: SplitParams): number {
  return -thresholdL1(G, p.lambdaL1) / (H + p.lambdaL2)
}

export function leafScore(G: number, H: number, p: SplitParams): number {
  const t = thresholdL1(G, p.lambdaL1)
  return (t * t) / (H + p.lambdaL2)
}

/**
 * Best split of a node with totals (sumG, sumH, count) over `features`, written into `best`.
 * Bins are scanned left to right; with missing rows present each threshold is tried with them on
 * either side, plus "missing vs the rest". Ties keep the earlier feature and threshold, so the
 * result does not depend on anything but the histogram.
 */
export function findBestSplit(
  hist: Float64Array,
  mapper: BinMapper,
  features: Int32Array,
  sumG: number,
  sumH: number,
  count: number,
  p: SplitParams,
  best: SplitInfo,
): void {
  const minData = p.minDataInLeaf
  const minHess = p.minSumHessianInLeaf
  const need = p.lambdaL2 // hoisted for the inner score
  const l1 = p.lambdaL1
  const parentScore = leafScore(sumG, sumH, p)
  const shift = parentScore + p.minGainToSplit
  let bestScore = shift
  let found = false
  let bF = -1, bBin = 0, bDefLeft = false, bLG = 0, bLH = 0, bLC = 0
  const score = (g: number, h: number): number => {
    const t = l1 > 0 ? thresholdL1(g, l1) : g
    return (t * t) / (h + need)
  }
  const consider = (j: number, t: number, defLeft: boolean, lg: number, lh: number, lc: number): void => {
    const rc = count - lc
    if (lc < minData || rc < minData) return
    const rh = sumH - lh
    if (lh < minHess || rh < minHess) return
    const s = score(lg, lh) + score(sumG - lg, rh)
    if (s > bestScore) {
      bestScore = s
      found = true
      bF = j; bBin = t; bDefLeft = defLeft; bLG = lg; bLH = lh; bLC = lc
    }
  }
  for (let k = 0; k < features.length; k++) {
    const j = features[k]
    const nb = mapper.numBins[j]
    const base = mapper.offsets[j] * 3
    const ms = base + nb * 3
    const mG = hist[ms], mH = hist[ms + 1], mC = hist[ms + 2]
    let lg = 0, lh = 0, lc = 0
    if (mC > 0) {
      for (let t = 0; t < nb - 1; t++) {
        const s = base + t * 3
        lg += hist[s]
        lh += hist[s + 1]
        lc += hist[s + 2]
        if (lc === 0) continue
        consider(j, t, false, lg, lh, lc)
        consider(j, t, true, lg + mG, lh + mH, lc + mC)
      }
    } else {
      // the common case, inlined: no missing rows, so one candidate per threshold
      for (let t = 0; t < nb - 1; t++) {
        const s = base + t * 3
        lg += hist[s]
        lh += hist[s + 1]
        lc += hist[s + 2]
        if (lc < minData || lh < minHess) continue
        const rc = count - lc, rh = sumH - lh
        if (rc < minData || rh < minHess) break
        const rg = sumG - lg
        const tl = l1 > 0 ? thresholdL1(lg, l1) : lg
        const tr = l1 > 0 ? thresholdL1(rg, l1) : rg
        const sc = (tl * tl) / (lh + need) + (tr * tr) / (rh + need)
        if (sc > bestScore) {
          bestScore = sc
          found = true
          // NaN at predict time follows the larger child (no missing rows seen in this node)
          bF = j; bBin = t; bDefLeft = lc >= rc; bLG = lg; bLH = lh; bLC = lc
        }
      }
    }
    if (mC > 0 && mC < count) consider(j, nb - 1, false, sumG - mG, sumH - mH, count - mC)
  }
  if (!found) {
    best.gain = -Infinity
    best.feature = -1
    return
  }
  best.gain = bestScore - shift
  best.feature = bF
  best.bin = bBin
  best.defaultLeft = bDefLeft
  best.leftG = bLG
  best.leftH = bLH
  best.leftCount = bLC
  best.rightG = sumG - bLG
  best.rightH = sumH - bLH
  best.rightCount = count - bLC
}
