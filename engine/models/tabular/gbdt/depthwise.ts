import type { BinMapper } from './binning.ts'
import { buildHistogram, SLOT } from './histogram.ts'
import type { GrowParams, GrowWorkspace } from './leafwise.ts'
import { findBestSplit } from './split.ts'
import type { SplitInfo, SplitParams } from './split.ts'
import { thresholdL1 } from './split.ts'
import { Tree } from './tree.ts'

/**
 * Depth-wise (level-by-level) growth with XGBoost "hist" semantics (grow_policy=depthwise, the
 * updater grow_quantile_histmaker of XGBoost 1.7): every node of a level whose best split is valid
 * is split, down to max_depth. A split is valid (XGBoost's CPUExpandEntry::IsValid) when its loss
 * change exceeds kRtEps = 1e-6 and is at least gamma (min_split_loss, `minGainToSplit` here — note
 * ≥, where LightGBM's min_gain_to_split is >), and both children carry hessian ≥ min_child_weight
 * (`minSumHessianInLeaf`). The loss change is XGBoost's: T(GL)²/(HL+λ) + T(GR)²/(HR+λ) − T(G)²/(H+λ)
 * with T the L1 soft-threshold (no ½ factor; gamma is compared against it unscaled, as XGBoost does).
 *
 * Node histograms use the subtraction trick (build the smaller child, parent − smaller = larger);
 * nodes of the last level are never histogrammed. Buffers come from a bounded pool (see
 * NodeHistograms), so deep trees degrade to building histograms directly instead of exhausting
 * memory.
 */

/** XGBoost's kRtEps: a split must reduce the loss by more than this. */
export const KRT_EPS = 1e-6

/** Memory a level-wise grower may spend on retained node histograms (the rest is rebuilt). */
export const HISTOGRAM_BUDGET_BYTES = 256 * 1024 * 1024

/**
 * How many histogram buffers a level-wise grower wants for trees of depth `maxDepth`: one per node
 * of the deepest histogrammed level (2^(maxDepth−1)) plus a scratch buffer, within the budget.
 */
export function levelHistograms(mapper: BinMapper, maxDepth: number): number {
  const perNode = mapper.totalBins * SLOT * 8
  const want = 2 ** Math.min(30, Math.max(0, maxDepth - 1)) + 1
  return Math.max(2, Math.min(want, Math.floor(HISTOGRAM_BUDGET_BYTES / perNode)))
}

/**
 * The workspace's histogram buffers as a pool: buffer 0 is scratch (built, read, forgotten), the
 * others are handed out per node and returned when the node is done. When the pool is empty a node
 * simply keeps no histogram and is rebuilt from its rows when needed.
 */
export class NodeHistograms {
  readonly scratch: Float64Array
  private readonly free: Float64Array[] = []
  /** the retained histogram of each leaf index, or null */
  readonly ofLeaf: (Float64Array | null)[]

  constructor(private readonly ws: GrowWorkspace) {
    this.scratch = ws.hists[0]
    this.ofLeaf = new Array<Float64Array | null>(ws.leafBegin.length).fill(null)
  }

  /** Start a tree: every pooled buffer is free, no leaf holds one. */
  reset(): void {
    this.free.length = 0
    for (let i = this.ws.hists.length - 1; i >= 1; i--) this.free.push(this.ws.hists[i])
    this.ofLeaf.fill(null)
  }

  acquire(): Float64Array | null {
    return this.free.pop() ?? null
  }

  release(h: Float64Array | null): void {
    if (h && h !== this.scratch) this.free.push(h)
  }

  /** Take leaf l's retained histogram away from it (the caller now owns it). */
  take(l: number): Float64Array | null {
    const h = this.ofLeaf[l]
    this.ofLeaf[l] = null
    return h
  }
}

/**
 * Put the tree's rows (the bag, or all n) in the partition buffer as the root segment and return
 * their count with the gradient and hessian sums. With a bag, the root's gradients are gathered.
 */
export function initRoot(ws: GrowWorkspace, grad: Float64Array, hess: Float64Array, bag: Uint32Array | null): { m: number; G: number; H: number } {
  const { rowIdx, gOrd, hOrd } = ws
  const n = ws.binned.n
  let G = 0, H = 0
  const m = bag ? bag.length : n
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
  ws.leafBegin[0] = 0
  ws.leafCnt[0] = m
  ws.leafG[0] = G
  ws.leafH[0] = H
  return { m, G, H }
}

/** Histogram of leaf l's segment into `out` (gathers its gradients in row order first). */
export function buildLeafHistogram(ws: GrowWorkspace, l: number, grad: Float64Array, hess: Float64Array, features: Int32Array, out: Float64Array): void {
  const { rowIdx, gOrd, hOrd, binned } = ws
  const b = ws.leafBegin[l], c = ws.leafCnt[l]
  if (b === 0 && c === binned.n) {
    // the whole data set in row order (root without a bag): read the gradients in place
    buildHistogram(binned, null, grad, hess, features, out)
    return
  }
  for (let i = 0; i < c; i++) {
    const r = rowIdx[b + i]
    gOrd[i] = grad[r]
    hOrd[i] = hess[r]
  }
  buildHistogram(binned, rowIdx.subarray(b, b + c), gOrd, hOrd, features, out)
}

/** parent −= child over `features` (parent's buffer becomes the other child's histogram). */
export function subtractInPlace(mapper: BinMapper, parent: Float64Array, child: Float64Array, features: Int32Array): void {
  const off = mapper.offsets
  for (let k = 0; k < features.length; k++) {
    const f = features[k]
    for (let q = off[f] * 3, end = off[f + 1] * 3; q < end; q++) parent[q] -= child[q]
  }
}

/**
 * Stable partition of leaf l's segment on (feature j, bin): rows with bin <= `bin` (and missing
 * rows when `defaultLeft`) stay at the front. Returns the left count.
 */
export function partitionLeaf(ws: GrowWorkspace, l: number, j: number, bin: number, defaultLeft: boolean): number {
  const { rowIdx, tmp, binned } = ws
  const { n, bins, mapper } = binned
  const missingBin = mapper.numBins[j]
  const b = ws.leafBegin[l], e = b + ws.leafCnt[l]
  const col = bins.subarray(j * n, (j + 1) * n)
  let w = b, r = 0
  for (let i = b; i < e; i++) {
    const row = rowIdx[i]
    const v = col[row]
    if (v === missingBin ? defaultLeft : v <= bin) rowIdx[w++] = row
    else tmp[r++] = row
  }
  rowIdx.set(tmp.subarray(0, r), w)
  return w - b
}

/**
 * After leaf `l` was split into (l, r) with segments already set: give the children histograms
 * from the parent's `ph` (or none when the parent kept none). The smaller child is built into a
 * pooled buffer (scratch when the pool is empty, in which case it keeps none) and the parent's
 * buffer becomes the larger child's. `keepL`/`keepR` say which children will need theirs.
 */
export function childHistograms(ws: GrowWorkspace, pool: NodeHistograms, ph: Float64Array | null, l: number, r: number, keepL: boolean, keepR: boolean, grad: Float64Array, hess: Float64Array, features: Int32Array): void {
  if (!ph || (!keepL && !keepR)) {
    pool.release(ph)
    return
  }
  const smaller = ws.leafCnt[l] <= ws.leafCnt[r] ? l : r
  const larger = smaller === l ? r : l
  const keepSmall = smaller === l ? keepL : keepR
  const keepLarge = smaller === l ? keepR : keepL
  const buf = keepSmall ? pool.acquire() : null
  const sh = buf ?? pool.scratch
  buildLeafHistogram(ws, smaller, grad, hess, features, sh)
  if (keepLarge) {
    subtractInPlace(ws.binned.mapper, ph, sh, features)
    pool.ofLeaf[larger] = ph
  } else pool.release(ph)
  if (buf) pool.ofLeaf[smaller] = buf
}

/** Copy of `t` with arrays sized to its leaves (growers allocate for the worst case). */
export function compactTree(t: Tree): Tree {
  if (t.leafValue.length === t.numLeaves) return t
  const c = new Tree(t.numLeaves)
  c.numLeaves = t.numLeaves
  const m = t.numLeaves - 1
  for (const k of ['feature', 'thresholdBin', 'threshold', 'defaultLeft', 'left', 'right', 'gain', 'nodeCount'] as const) c[k].set(t[k].subarray(0, m))
  for (const k of ['leafValue', 'leafCount', 'leafDepth', 'leafParent'] as const) c[k].set(t[k].subarray(0, t.numLeaves))
  return c
}

/** XGBoost's CalcWeight (max_delta_step 0): 0 below min_child_weight, else −T(G)/(H+λ). */
export function xgboostLeafWeight(G: number, H: number, p: GrowParams): number {
  if (H < p.minSumHessianInLeaf || H <= 0) return 0
  return -thresholdL1(G, p.lambdaL1) / (H + p.lambdaL2)
}

const pools = new WeakMap<GrowWorkspace, NodeHistograms>()

export function poolOf(ws: GrowWorkspace): NodeHistograms {
  let p = pools.get(ws)
  if (!p) pools.set(ws, (p = new NodeHistograms(ws)))
  p.reset()
  return p
}

/** Most leaves a tree of this depth can have over m rows, capped by numLeaves. */
export function leafCapacity(p: GrowParams, m: number): number {
  const byDepth = p.maxDepth > 0 && p.maxDepth < 31 ? 2 ** p.maxDepth : Infinity
  return Math.max(1, Math.min(p.numLeaves, byDepth, m))
}

/**
 * Grow one depth-wise tree (a TreeGrower for trainBooster). `p.maxDepth` must be ≥ 1;
 * `p.numLeaves` caps the leaves (XGBoost's max_leaves; 2^max_depth when unlimited) and must not
 * exceed the workspace's leaf arrays. Leaf values are unshrunk XGBoost weights.
 */
export function growTreeDepthwise(ws: GrowWorkspace, grad: Float64Array, hess: Float64Array, bag: Uint32Array | null, features: Int32Array, p: GrowParams): Tree {
  const { leafBegin, leafCnt, leafG, leafH, best, binned } = ws
  const { mapper } = binned
  const { m, G, H } = initRoot(ws, grad, hess, bag)
  const tree = new Tree(leafCapacity(p, m))
  tree.leafValue[0] = xgboostLeafWeight(G, H, p)
  tree.leafCount[0] = m
  const minData = Math.max(1, p.minDataInLeaf)
  const canSplit = (l: number): boolean => leafCnt[l] >= 2 * minData && leafH[l] >= 2 * p.minSumHessianInLeaf
  if (p.maxDepth < 1 || !canSplit(0) || features.length === 0) return tree
  // search with no gain shift; gamma and kRtEps are applied when deciding (XGBoost's ≥ gamma)
  const sp: SplitParams = { lambdaL1: p.lambdaL1, lambdaL2: p.lambdaL2, minDataInLeaf: minData, minSumHessianInLeaf: p.minSumHessianInLeaf, minGainToSplit: 0 }
  const valid = (s: SplitInfo): boolean => s.feature >= 0 && s.gain > KRT_EPS && s.gain >= p.minGainToSplit
  const pool = poolOf(ws)
  const root = pool.acquire()
  if (root) {
    buildLeafHistogram(ws, 0, grad, hess, features, root)
    pool.ofLeaf[0] = root
  }
  let level = [0]
  for (let depth = 0; depth < p.maxDepth && level.length > 0; depth++) {
    for (const l of level) {
      let h = pool.ofLeaf[l]
      if (!h) buildLeafHistogram(ws, l, grad, hess, features, (h = pool.scratch))
      findBestSplit(h, mapper, features, leafG[l], leafH[l], leafCnt[l], sp, best[l])
    }
    const next: number[] = []
    const lastLevel = depth + 1 >= p.maxDepth
    for (const l of level) {
      const ph = pool.take(l)
      const s = best[l]
      if (!valid(s) || tree.numLeaves >= tree.leafValue.length) {
        pool.release(ph)
        continue
      }
      const j = s.feature
      const nLeft = partitionLeaf(ws, l, j, s.bin, s.defaultLeft)
      const r = tree.split(l, j, s.bin, mapper.upper[j][s.bin], s.defaultLeft, s.gain, xgboostLeafWeight(s.leftG, s.leftH, p), xgboostLeafWeight(s.rightG, s.rightH, p), s.leftCount, s.rightCount)
      leafBegin[r] = leafBegin[l] + nLeft
      leafCnt[r] = leafCnt[l] - nLeft
      leafCnt[l] = nLeft
      leafG[l] = s.leftG
      leafH[l] = s.leftH
      leafG[r] = s.rightG
      leafH[r] = s.rightH
      const okL = !lastLevel && canSplit(l), okR = !lastLevel && canSplit(r)
      childHistograms(ws, pool, ph, l, r, okL, okR, grad, hess, features)
      if (okL) next.push(l)
      if (okR) next.push(r)
    }
    level = next
  }
  return compactTree(tree)
}
