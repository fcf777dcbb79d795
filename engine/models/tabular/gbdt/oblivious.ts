import type { FloatArray } from '../../../contracts/component.ts'
import type { Rng } from '../../../data/rng.ts'
import type { TreeGrower } from './booster.ts'
import { buildLeafHistogram, childHistograms, initRoot, partitionLeaf, poolOf } from './depthwise.ts'
import type { Forest } from './forest.ts'
import { numTrees } from './forest.ts'
import type { GrowParams, GrowWorkspace } from './leafwise.ts'
import { Tree } from './tree.ts'

/**
 * Oblivious (symmetric) trees, CatBoost's default growth: each depth level has ONE split
 * (feature, border) shared by every node of the level, chosen to maximise the level's summed
 * score; a tree of depth D has 2^D leaves addressed by the D comparison bits. Nodes are split even
 * when one side is empty (that leaf gets value 0), so every grown level is complete; growth stops
 * early only when no candidate separates rows in any node (e.g. all features constant there).
 *
 * Scores, with per-child sums (G, H) and λ = l2_leaf_reg, leaf value v = −G/(H+λ) (one Newton
 * step; CatBoost's leaf_estimation_iterations = 1):
 *   L2:     Σ_children G²/(H+λ)                      (the Newton loss reduction)
 *   Cosine: Σ_children G²/(H+λ) / sqrt(Σ_children v²·H)  — the cosine between the negative
 *           gradient and the leaf-value vector, rows weighted by their hessian (CatBoost's default
 *           score_function; its Newton-mode weighting details may differ).
 * Missing values go to the left (≤ border) side, CatBoost's nan_mode=Min; a "missing vs the rest"
 * border is a candidate too.
 *
 * random_strength adds N(0, (random_strength·σ)²) to every candidate's score, σ = RMS of the
 * tree's (bootstrap-weighted) gradients: CatBoost's noise scale without its decay over the model's
 * length. Bayesian bootstrap (bagging_temperature T > 0) weights each row by (−ln U)^T per tree,
 * applied to gradients and hessians, so splits and leaf values both see the weights.
 */

export type ScoreFunction = 'L2' | 'Cosine'

export interface ObliviousOptions {
  scoreFunction: ScoreFunction
  randomStrength: number
  /** Bayesian bootstrap temperature; 0 = no reweighting */
  baggingTemperature: number
  rng: Rng
}

/** A TreeGrower for trainBooster growing oblivious trees of depth p.maxDepth. */
export function obliviousGrower(o: ObliviousOptions): TreeGrower {
  let gW: Float64Array | undefined, hW: Float64Array | undefined
  let A: Float64Array | undefined, B: Float64Array | undefined, useful: Uint8Array | undefined
  return (ws, grad, hess, bag, features, p) => {
    const { n, mapper } = ws.binned
    let g = grad, h = hess
    if (o.baggingTemperature > 0) {
      if (!gW || gW.length !== n) (gW = new Float64Array(n)), (hW = new Float64Array(n))
      const m = bag ? bag.length : n
      for (let i = 0; i < m; i++) {
        const r = bag ? bag[i] : i
        // 1 − U keeps the log finite (U ∈ [0, 1))
        const w = Math.pow(-Math.log(1 - o.rng.next()), o.baggingTemperature)
        gW[r] = grad[r] * w
        hW![r] = hess[r] * w
      }
      g = gW
      h = hW!
    }
    if (!A || A.length !== mapper.totalBins) (A = new Float64Array(mapper.totalBins)), (B = new Float64Array(mapper.totalBins)), (useful = new Uint8Array(mapper.totalBins))
    return growOblivious(ws, g, h, bag, features, p, o, A, B!, useful!)
  }
}

function growOblivious(ws: GrowWorkspace, g: Float64Array, h: Float64Array, bag: Uint32Array | null, features: Int32Array, p: GrowParams, o: ObliviousOptions, A: Float64Array, B: Float64Array, useful: Uint8Array): Tree {
  const { leafBegin, leafCnt, leafG, leafH, rowIdx, binned } = ws
  const { mapper } = binned
  const lambda = p.lambdaL2
  const depth = p.maxDepth
  const { m, G, H } = initRoot(ws, g, h, bag)
  const tree = new Tree(2 ** depth)
  tree.leafValue[0] = -G / (H + lambda)
  tree.leafCount[0] = m
  if (depth < 1 || m < 2 || features.length === 0) return tree
  let sigma = 0
  if (o.randomStrength > 0) {
    let s2 = 0
    for (let i = 0; i < m; i++) s2 += g[rowIdx[i]] ** 2
    sigma = o.randomStrength * Math.sqrt(s2 / m)
  }
  const cosine = o.scoreFunction === 'Cosine'
  const S = (gg: number, hh: number): number => (gg * gg) / (hh + lambda)
  const pool = poolOf(ws)
  const root = pool.acquire()
  if (root) {
    buildLeafHistogram(ws, 0, g, h, features, root)
    pool.ofLeaf[0] = root
  }
  let level = [0]
  for (let d = 0; d < depth; d++) {
    const off = mapper.offsets
    for (let k = 0; k < features.length; k++) {
      const j = features[k]
      A.fill(0, off[j], off[j + 1])
      B.fill(0, off[j], off[j + 1])
      useful.fill(0, off[j], off[j + 1])
    }
    for (const l of level) {
      let hist = pool.ofLeaf[l]
      if (!hist) buildLeafHistogram(ws, l, g, h, features, (hist = pool.scratch))
      accumulateScores(hist, mapper.numBins, off, features, leafG[l], leafH[l], leafCnt[l], lambda, cosine, A, B, useful)
    }
    // the best border over the level; candidates that split no node are not borders at all
    let bestSlot = -1, bestJ = -1, bestScore = -Infinity
    for (let k = 0; k < features.length; k++) {
      const j = features[k]
      for (let s = off[j]; s < off[j + 1]; s++) {
        if (!useful[s]) continue
        let sc = cosine ? (B[s] > 0 ? A[s] / Math.sqrt(B[s]) : 0) : A[s]
        if (sigma > 0) sc += sigma * o.rng.normal()
        if (sc > bestScore) (bestScore = sc), (bestSlot = s), (bestJ = j)
      }
    }
    if (bestSlot < 0) break
    const nb = mapper.numBins[bestJ]
    const slotBin = bestSlot - off[bestJ]
    // slot nb is the "missing only on the left" border; below every value
    const bin = slotBin === nb ? -1 : slotBin
    const threshold = bin < 0 ? -Infinity : mapper.upper[bestJ][bin]
    const next: number[] = []
    for (const l of level) {
      const ph = pool.take(l)
      const nLeft = partitionLeaf(ws, l, bestJ, bin, true)
      const b = leafBegin[l]
      let gl = 0, hl = 0
      for (let i = b; i < b + nLeft; i++) (gl += g[rowIdx[i]]), (hl += h[rowIdx[i]])
      const gr = leafG[l] - gl, hr = leafH[l] - hl, nRight = leafCnt[l] - nLeft
      const gain = S(gl, hl) + S(gr, hr) - S(leafG[l], leafH[l])
      const r = tree.split(l, bestJ, bin, threshold, true, gain, -gl / (hl + lambda), nRight > 0 ? -gr / (hr + lambda) : 0, nLeft, nRight)
      if (nLeft === 0) tree.leafValue[l] = 0
      leafBegin[r] = b + nLeft
      leafCnt[r] = nRight
      leafCnt[l] = nLeft
      leafG[l] = gl
      leafH[l] = hl
      leafG[r] = gr
      leafH[r] = hr
      const more = d + 1 < depth
      childHistograms(ws, pool, ph, l, r, more, more, g, h, features)
      if (more) next.push(l, r)
    }
    level = next
  }
  return tree
}

/** Add one node's contribution to every candidate border's score accumulators. */
function accumulateScores(hist: Float64Array, numBins: Int32Array, off: Int32Array, features: Int32Array, G: number, H: number, count: number, lambda: number, cosine: boolean, A: Float64Array, B: Float64Array, useful: Uint8Array): void {
  const parentA = (G * G) / (H + lambda)
  // a border that leaves the node whole keeps the node's own terms (v² H with v = G/(H+λ))
  const parentB = cosine ? (G * G * H) / ((H + lambda) * (H + lambda)) : 0
  for (let k = 0; k < features.length; k++) {
    const j = features[k]
    const nb = numBins[j]
    const base = off[j] * 3
    const ms = base + nb * 3
    // missing rows sit on the left of every border (nan_mode Min)
    let lg = hist[ms], lh = hist[ms + 1], lc = hist[ms + 2]
    for (let t = -1; t < nb - 1; t++) {
      if (t >= 0) {
        const s = base + t * 3
        lg += hist[s]
        lh += hist[s + 1]
        lc += hist[s + 2]
      }
      const slot = t < 0 ? off[j] + nb : off[j] + t
      const rc = count - lc
      if (lc === 0 || rc === 0) {
        A[slot] += parentA
        B[slot] += parentB
        continue
      }
      const rg = G - lg, rh = H - lh
      const dl = lh + lambda, dr = rh + lambda
      A[slot] += (lg * lg) / dl + (rg * rg) / dr
      if (cosine) B[slot] += (lg * lg * lh) / (dl * dl) + (rg * rg * rh) / (dr * dr)
      useful[slot] = 1
    }
  }
}

/**
 * Oblivious trees as level tables for bit-index prediction: tree t has depth[t] levels
 * (feature, threshold) at [levelStart[t], …) and 2^depth[t] leaf values at [leafStart[t], …),
 * where leaf index = Σ_d [x_feature(d) > threshold(d)]·2^d (NaN compares false: left, as trained).
 */
export interface ObliviousTables {
  depth: Int32Array
  levelStart: Int32Array
  leafStart: Int32Array
  feature: Int32Array
  threshold: Float64Array
  leafValue: Float64Array
}

/** Read the level tables off a forest of oblivious trees (every level complete, as grown here). */
export function obliviousTables(fr: Forest): ObliviousTables {
  const T = numTrees(fr)
  const depth = new Int32Array(T), levelStart = new Int32Array(T + 1), leafStart = new Int32Array(T + 1)
  for (let t = 0; t < T; t++) {
    const leaves = fr.leafStart[t + 1] - fr.leafStart[t]
    depth[t] = Math.round(Math.log2(leaves))
    levelStart[t + 1] = levelStart[t] + depth[t]
    leafStart[t + 1] = leafStart[t] + leaves
  }
  const feature = new Int32Array(levelStart[T]), threshold = new Float64Array(levelStart[T]), leafValue = new Float64Array(leafStart[T])
  for (let t = 0; t < T; t++) {
    const ns = fr.nodeStart[t], D = depth[t]
    // the leftmost path visits one node per level
    let nd = 0
    for (let d = 0; d < D; d++) {
      feature[levelStart[t] + d] = fr.feature[ns + nd]
      threshold[levelStart[t] + d] = fr.threshold[ns + nd]
      nd = fr.left[ns + nd]
    }
    for (let pat = 0; pat < 1 << D; pat++) {
      let c = D === 0 ? -1 : 0
      for (let d = 0; c >= 0; d++) c = pat & (1 << d) ? fr.right[ns + c] : fr.left[ns + c]
      leafValue[leafStart[t] + pat] = fr.leafValue[fr.leafStart[t] + ~c]
    }
  }
  return { depth, levelStart, leafStart, feature, threshold, leafValue }
}

/** Raw scores by bit index: initScore + Σ_t leafValue[t][bits(x)], trees outer, rows inner. */
export function predictOblivious(tb: ObliviousTables, initScore: number, x: FloatArray, n: number, f: number): Float64Array {
  const out = new Float64Array(n).fill(initScore)
  const { feature, threshold, leafValue } = tb
  for (let t = 0; t < tb.depth.length; t++) {
    const D = tb.depth[t], ls = tb.levelStart[t], lv = tb.leafStart[t]
    for (let i = 0; i < n; i++) {
      const row = i * f
      let idx = 0
      for (let d = 0; d < D; d++) if (x[row + feature[ls + d]] > threshold[ls + d]) idx |= 1 << d
      out[i] += leafValue[lv + idx]
    }
  }
  return out
}
