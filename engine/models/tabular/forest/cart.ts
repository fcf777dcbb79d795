import type { Rng } from '../../../data/rng.ts'
import type { ColumnMatrix } from './columns.ts'
import { bestSplit, randomSplit } from './splitters.ts'
import type { SplitResult } from './splitters.ts'

/**
 * CART trees as scikit-learn grows them (DepthFirstTreeBuilder): exact thresholds on raw values,
 * `x <= threshold` goes left, nodes expanded depth-first, a node stays a leaf when it is at
 * max_depth, has fewer than min_samples_split rows (or fewer than 2·min_samples_leaf), is pure, or
 * has no split leaving min_samples_leaf rows on each side.
 *
 * One criterion serves both heads. Weighted squared error picks the split maximising
 *     S_L²/W_L + S_R²/W_R      (S = Σ w·y, W = Σ w over a child)
 * and for a 0/1 target Gini's proxy Σ_c n_{L,c}²/W_L + Σ_c n_{R,c}²/W_R equals W − 2S + 2·(that),
 * so on labels it ranks splits exactly as Gini does; the leaf value S/W is then the weighted
 * class-1 fraction, which is what predict_proba returns per tree.
 *
 * Rows with zero weight (out of the bootstrap, or zero sample weight) take no part, as in
 * scikit-learn; node sample counts and min_samples_* count the remaining rows.
 */

export type SplitterKind = 'best' | 'random'

export interface TreeParams {
  splitter: SplitterKind
  /** Infinity = unlimited */
  maxDepth: number
  minSamplesSplit: number
  minSamplesLeaf: number
  /** features visited per node (already resolved from 'sqrt', fractions, …), 1..f */
  maxFeatures: number
}

/** One grown tree, nodes in depth-first (pre-)order, root 0; leaves have feature −1. */
export interface Tree {
  nodeCount: number
  feature: Int32Array
  threshold: Float64Array
  left: Int32Array
  right: Int32Array
  /** weighted mean of the target over the node's rows (the prediction at a leaf) */
  value: Float64Array
  /** weighted impurity decrease of the node's split, W·imp − W_L·imp_L − W_R·imp_R (0 at leaves) */
  gain: Float64Array
}

/** scikit-learn's EPSILON: a node at or below this impurity is pure. */
const EPSILON = 2.220446049250313e-16

/**
 * Reusable scratch for growing many trees on one matrix: the row lists and partition buffers are
 * allocated once per forest, not per tree.
 */
export class TreeBuilder {
  private readonly m: ColumnMatrix
  private readonly order: Int32Array | undefined
  private readonly params: TreeParams
  /** best: per-feature row lists (stride = active rows of the current tree); random: one row list */
  private readonly work: Int32Array
  private readonly tmp: Int32Array
  private readonly mark: Uint8Array
  private readonly wy: Float64Array
  /** w, w·y, w·y² of the rows in list 0's order, partitioned with it: node sums read them in sequence */
  private readonly ws: Float64Array
  private readonly wys: Float64Array
  private readonly wyys: Float64Array
  private readonly tmpF: Float64Array
  /** a node's values of one feature, gathered once per random split */
  private readonly xf: Float64Array
  private readonly feats: Int32Array
  private readonly res: SplitResult = { proxy: -Infinity, feature: -1, threshold: 0, nLeft: 0 }

  /** `order` (presortColumns) is required for the best splitter. */
  constructor(m: ColumnMatrix, params: TreeParams, order?: Int32Array) {
    if (params.splitter === 'best' && !order) throw new Error('TreeBuilder: the best splitter needs the presorted column order')
    this.m = m
    this.order = order
    this.params = params
    this.work = new Int32Array(params.splitter === 'best' ? m.n * m.f : m.n)
    this.tmp = new Int32Array(m.n)
    this.mark = new Uint8Array(m.n)
    this.wy = new Float64Array(m.n)
    this.ws = new Float64Array(m.n)
    this.wys = new Float64Array(m.n)
    this.wyys = new Float64Array(m.n)
    this.tmpF = new Float64Array(3 * m.n)
    this.xf = new Float64Array(m.n)
    this.feats = Int32Array.from({ length: m.f }, (_, j) => j)
  }

  /** Grow one tree on target y with per-row weights w (bootstrap counts × sample weights). */
  grow(y: Float64Array, w: Float64Array, rng: Rng): Tree {
    const { n, f, cols } = this.m
    const { work, wy, mark, tmp, res, feats, ws, wys, wyys, tmpF, xf } = this
    const best = this.params.splitter === 'best'
    const { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures } = this.params

    // active rows; for the best splitter one sorted list per feature, stride `a`
    let a = 0
    for (let i = 0; i < n; i++) {
      wy[i] = w[i] * y[i]
      if (w[i] > 0) a++
    }
    if (best) {
      const order = this.order!
      for (let j = 0; j < f; j++) {
        let k = j * a
        for (let t = j * n, e = t + n; t < e; t++) {
          const r = order[t]
          if (w[r] > 0) work[k++] = r
        }
      }
    } else {
      for (let i = 0, k = 0; i < n; i++) if (w[i] > 0) work[k++] = i
    }
    for (let k = 0; k < a; k++) {
      const r = work[k]
      ws[k] = w[r]
      wys[k] = wy[r]
      wyys[k] = wy[r] * y[r]
    }

    const cap = Math.max(1, 2 * a - 1)
    const feature = new Int32Array(cap).fill(-1)
    const threshold = new Float64Array(cap)
    const left = new Int32Array(cap).fill(-1)
    const right = new Int32Array(cap).fill(-1)
    const value = new Float64Array(cap)
    const gain = new Float64Array(cap)
    let count = 0

    // stack of (start, end, depth, parent, isLeft); right pushed first so left is expanded first
    const stack: number[] = [0, a, 0, -1, 0]
    while (stack.length) {
      const isLeft = stack.pop()!
      const parent = stack.pop()!
      const depth = stack.pop()!
      const end = stack.pop()!
      const start = stack.pop()!
      const node = count++
      if (parent >= 0) {
        if (isLeft) left[parent] = node
        else right[parent] = node
      }
      // node statistics over its rows (any feature's list holds the same rows)
      let W = 0
      let S = 0
      let SS = 0
      for (let k = start; k < end; k++) {
        W += ws[k]
        S += wys[k]
        SS += wyys[k]
      }
      value[node] = S / W
      const rows = end - start
      const impurity = SS / W - (S / W) * (S / W)
      if (depth >= maxDepth || rows < minSamplesSplit || rows < 2 * minSamplesLeaf || impurity <= EPSILON) continue

      // visit maxFeatures random features (without replacement); as scikit-learn, keep drawing
      // past maxFeatures only while every feature seen so far was constant in the node
      res.proxy = -Infinity
      res.feature = -1
      let visited = 0
      let nonConstant = 0
      for (let i = 0; i < f && (visited < maxFeatures || nonConstant === 0); i++) {
        const k = i + rng.int(f - i)
        const j = feats[k]
        feats[k] = feats[i]
        feats[i] = j
        visited++
        const found = best
          ? bestSplit(cols, j * n, work, j * a, start, end, w, wy, W, S, minSamplesLeaf, res, j)
          : randomSplit(cols, j * n, work, ws, wys, xf, start, end, W, S, minSamplesLeaf, res, j, rng)
        if (found) nonConstant++
      }
      if (res.feature < 0) continue

      const jb = res.feature
      const nl = res.nLeft
      feature[node] = jb
      threshold[node] = res.threshold
      gain[node] = res.proxy - (S * S) / W
      // partition every list the node owns into [left rows | right rows], keeping sorted order
      const col = jb * n
      const thr = res.threshold
      for (let k = start; k < end; k++) {
        const r = work[k]
        mark[r] = cols[col + r] <= thr ? 1 : 0
      }
      // list 0 carries the parallel sums
      {
        let li = start
        let ri = 0
        for (let k = start; k < end; k++) {
          const r = work[k]
          const mk = mark[r]
          const a0 = ws[k], a1 = wys[k], a2 = wyys[k]
          work[li] = r
          ws[li] = a0
          wys[li] = a1
          wyys[li] = a2
          tmp[ri] = r
          tmpF[3 * ri] = a0
          tmpF[3 * ri + 1] = a1
          tmpF[3 * ri + 2] = a2
          li += mk
          ri += 1 - mk
        }
        for (let q = 0; q < ri; q++, li++) {
          work[li] = tmp[q]
          ws[li] = tmpF[3 * q]
          wys[li] = tmpF[3 * q + 1]
          wyys[li] = tmpF[3 * q + 2]
        }
      }
      if (best)
        for (let j = 1; j < f; j++) {
          if (j === jb) continue
          const base = j * a
          let li = base + start
          let ri = 0
          // branch-free: the side of a row is a coin flip to the CPU's predictor, and a
          // mispredicted branch per row cost more than both stores
          for (let k = base + start, e = base + end; k < e; k++) {
            const r = work[k]
            const mk = mark[r]
            work[li] = r
            tmp[ri] = r
            li += mk
            ri += 1 - mk
          }
          // a loop, not work.set(tmp.subarray(..)): a subarray per list per node costs more than the copy
          for (let q = 0; q < ri; q++) work[li++] = tmp[q]
        }
      stack.push(start + nl, end, depth + 1, node, 0, start, start + nl, depth + 1, node, 1)
    }
    return {
      nodeCount: count,
      feature: feature.slice(0, count),
      threshold: threshold.slice(0, count),
      left: left.slice(0, count),
      right: right.slice(0, count),
      value: value.slice(0, count),
      gain: gain.slice(0, count),
    }
  }
}
