import type { BinnedMatrix } from './binning.ts'
import { buildHistogram, SLOT } from './histogram.ts'
import { emptySplit, findBestSplit, leafOutput } from './split.ts'
import type { SplitInfo, SplitParams } from './split.ts'
import { Tree } from './tree.ts'

/**
 * Leaf-wise (best-first) tree growth, LightGBM's default: repeatedly split the leaf whose best
 * split gains most, until num_leaves leaves exist or no leaf has a valid split. Rows live in one
 * index buffer where every leaf owns a contiguous segment (LightGBM's DataPartition); a split
 * partitions its segment stably, so segments stay in ascending row order and histogram reads walk
 * the bin columns forwards. Only the smaller child's histogram is built; the larger one is the
 * parent's minus it, computed in the parent's buffer.
 */

export interface GrowParams extends SplitParams {
  numLeaves: number
  /** ≤ 0: no limit */
  maxDepth: number
}

/** Buffers reused across the trees of one training run (allocation-free growth). */
export class GrowWorkspace {
  readonly rowIdx: Uint32Array
  readonly tmp: Uint32Array
  readonly gOrd: Float64Array
  readonly hOrd: Float64Array
  readonly hists: Float64Array[]
  readonly leafBegin: Int32Array
  readonly leafCnt: Int32Array
  readonly leafG: Float64Array
  readonly leafH: Float64Array
  readonly best: SplitInfo[]

  /** `histograms`: node histogram buffers to allocate (leaf-wise growth needs one per leaf) */
  constructor(readonly binned: BinnedMatrix, numLeaves: number, histograms = numLeaves) {
    const n = binned.n
    this.rowIdx = new Uint32Array(n)
    this.tmp = new Uint32Array(n)
    this.gOrd = new Float64Array(n)
    this.hOrd = new Float64Array(n)
    this.hists = Array.from({ length: histograms }, () => new Float64Array(binned.mapper.totalBins * SLOT))
    this.leafBegin = new Int32Array(numLeaves)
    this.leafCnt = new Int32Array(numLeaves)
    this.leafG = new Float64Array(numLeaves)
    this.leafH = new Float64Array(numLeaves)
    this.best = Array.from({ length: numLeaves }, emptySplit)
  }

  /** Rows of leaf l after growth (a view into the partition buffer). */
  leafRows(l: number): Uint32Array {
    return this.rowIdx.subarray(this.leafBegin[l], this.leafBegin[l] + this.leafCnt[l])
  }
}

/**
 * Grow one tree on `grad`/`hess` (indexed by row) over the rows in `bag` (ascending; null = all)
 * and the given features. Leaf values are the unshrunk Newton outputs; the caller applies
 * shrinkage (and, for quantile, renews them first).
 */
export function growTreeLeafwise(ws: GrowWorkspace, grad: Float64Array, hess: Float64Array, bag: Uint32Array | null, features: Int32Array, p: GrowParams): Tree {
  const { binned, rowIdx, tmp, gOrd, hOrd, hists, leafBegin, leafCnt, leafG, leafH, best } = ws
  const { n, bins, mapper } = binned
  const tree = new Tree(p.numLeaves)
  const m = bag ? bag.length : n
  let G = 0, H = 0
  if (bag) {
    rowIdx.set(bag)
    for (let i = 0; i < m; i++) {
      const r = bag[i]
      gOrd[i] = grad[r]
      hOrd[i] = hess[r]
      G += grad[r]
      H += hess[r]
    }
  } else {
    for (let i = 0; i < n; i++) {
      rowIdx[i] = i
      G += grad[i]
      H += hess[i]
    }
  }
  leafBegin[0] = 0
  leafCnt[0] = m
  leafG[0] = G
  leafH[0] = H
  tree.leafValue[0] = leafOutput(G, H, p)
  tree.leafCount[0] = m

  const canSplit = (l: number): boolean =>
    leafCnt[l] >= 2 * p.minDataInLeaf && leafH[l] >= 2 * p.minSumHessianInLeaf && (p.maxDepth <= 0 || tree.leafDepth[l] < p.maxDepth)
  const search = (l: number): void => {
    if (canSplit(l)) findBestSplit(hists[l], mapper, features, leafG[l], leafH[l], leafCnt[l], p, best[l])
    else best[l].feature = -1, best[l].gain = -Infinity
  }

  if (!canSplit(0)) return tree
  if (bag) buildHistogram(binned, rowIdx.subarray(0, m), gOrd, hOrd, features, hists[0])
  else buildHistogram(binned, null, grad, hess, features, hists[0])
  search(0)

  while (tree.numLeaves < p.numLeaves) {
    let leaf = -1
    let bestGain = 0
    for (let l = 0; l < tree.numLeaves; l++) {
      if (best[l].feature >= 0 && best[l].gain > bestGain) {
        bestGain = best[l].gain
        leaf = l
      }
    }
    if (leaf < 0) break
    const s = best[leaf]
    const j = s.feature
    const missingBin = mapper.numBins[j]
    // stable partition of the leaf's segment: left rows stay in place, right rows go via tmp
    const b = leafBegin[leaf], e = b + leafCnt[leaf]
    const col = bins.subarray(j * n, (j + 1) * n)
    let w = b, r = 0
    for (let i = b; i < e; i++) {
      const row = rowIdx[i]
      const bin = col[row]
      if (bin === missingBin ? s.defaultLeft : bin <= s.bin) rowIdx[w++] = row
      else tmp[r++] = row
    }
    rowIdx.set(tmp.subarray(0, r), w)
    const threshold = mapper.upper[j][s.bin]
    const right = tree.split(leaf, j, s.bin, threshold, s.defaultLeft, s.gain, leafOutput(s.leftG, s.leftH, p), leafOutput(s.rightG, s.rightH, p), s.leftCount, s.rightCount)
    leafBegin[right] = w
    leafCnt[right] = r
    leafCnt[leaf] = w - b
    leafG[leaf] = s.leftG
    leafH[leaf] = s.leftH
    leafG[right] = s.rightG
    leafH[right] = s.rightH
    if (tree.numLeaves >= p.numLeaves) break
    const okL = canSplit(leaf), okR = canSplit(right)
    if (!okL && !okR) {
      best[leaf].feature = -1
      best[right].feature = -1
      continue
    }
    const smaller = leafCnt[leaf] <= leafCnt[right] ? leaf : right
    const sb = leafBegin[smaller], sc = leafCnt[smaller]
    for (let i = 0; i < sc; i++) {
      const row = rowIdx[sb + i]
      gOrd[i] = grad[row]
      hOrd[i] = hess[row]
    }
    // parent histogram sits in hists[leaf]; build the smaller child in hists[right] and turn the
    // parent's buffer into the larger child, then swap if the smaller child was the left one
    const parentH = hists[leaf], childH = hists[right]
    buildHistogram(binned, rowIdx.subarray(sb, sb + sc), gOrd, hOrd, features, childH)
    const off = mapper.offsets
    for (let k = 0; k < features.length; k++) {
      const f = features[k]
      for (let q = off[f] * 3, end = off[f + 1] * 3; q < end; q++) parentH[q] -= childH[q]
    }
    if (smaller === leaf) {
      hists[leaf] = childH
      hists[right] = parentH
    }
    search(leaf)
    search(right)
  }
  return tree
}
