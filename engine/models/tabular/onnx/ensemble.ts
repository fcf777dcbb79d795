/**
 * A tree ensemble in the shape of ONNX's ai.onnx.ml TreeEnsembleRegressor attributes: one entry per
 * node (trees back to back, each tree's root first, as onnxruntime takes the first node of a tree
 * id as its root), one entry per leaf weight, and the ensemble-level settings. The per-family
 * converters (fromGbdt.ts, fromForest.ts, fromXGBoost.ts) fill it; model.ts encodes it.
 */

export type BranchMode = 'BRANCH_LEQ' | 'BRANCH_LT'

export interface TreeEnsemble {
  /** comparison of every internal node: v <= t (LEQ) or v < t (LT) takes the true branch */
  mode: BranchMode
  /** SUM for boosting; AVERAGE (sum / number of trees) for bagged forests */
  aggregate: 'SUM' | 'AVERAGE'
  /** added after aggregation: a booster's init score / base margin */
  base: number
  /** applied to the aggregated score: LOGISTIC = 1 / (1 + e^−s) for a binary head */
  link: 'identity' | 'sigmoid'
  numTrees: number
  nodeTree: number[]
  nodeId: number[]
  /** per node: true for a leaf (mode LEAF), which has no feature, threshold or children */
  nodeLeaf: boolean[]
  nodeFeature: number[]
  nodeThreshold: number[]
  nodeTrue: number[]
  nodeFalse: number[]
  /** 1 when NaN takes the true branch (onnxruntime otherwise sends NaN down the false one) */
  nodeMissingTrue: number[]
  leafTree: number[]
  leafNode: number[]
  leafWeight: number[]
}

export function emptyEnsemble(mode: BranchMode, aggregate: TreeEnsemble['aggregate'], base: number, link: TreeEnsemble['link']): TreeEnsemble {
  return {
    mode,
    aggregate,
    base,
    link,
    numTrees: 0,
    nodeTree: [],
    nodeId: [],
    nodeLeaf: [],
    nodeFeature: [],
    nodeThreshold: [],
    nodeTrue: [],
    nodeFalse: [],
    nodeMissingTrue: [],
    leafTree: [],
    leafNode: [],
    leafWeight: [],
  }
}

export function addBranch(e: TreeEnsemble, tree: number, id: number, feature: number, threshold: number, trueId: number, falseId: number, missingTrue: boolean): void {
  e.nodeTree.push(tree)
  e.nodeId.push(id)
  e.nodeLeaf.push(false)
  e.nodeFeature.push(feature)
  e.nodeThreshold.push(threshold)
  e.nodeTrue.push(trueId)
  e.nodeFalse.push(falseId)
  e.nodeMissingTrue.push(missingTrue ? 1 : 0)
}

export function addLeaf(e: TreeEnsemble, tree: number, id: number, weight: number): void {
  e.nodeTree.push(tree)
  e.nodeId.push(id)
  e.nodeLeaf.push(true)
  e.nodeFeature.push(0)
  e.nodeThreshold.push(0)
  e.nodeTrue.push(0)
  e.nodeFalse.push(0)
  e.nodeMissingTrue.push(0)
  e.leafTree.push(tree)
  e.leafNode.push(id)
  e.leafWeight.push(weight)
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The float32 next to finite-or-±Infinity float32 `f` in direction `dir` (bit stepping). */
function step32(f: number, dir: 1 | -1): number {
  if (f === 0) return dir * 2 ** -149
  f32[0] = f
  // for positive floats a larger bit pattern is a larger value; for negative ones, a smaller value
  u32[0] += (f > 0) === (dir > 0) ? 1 : -1
  return f32[0]
}

/**
 * The largest float32 ≤ t. For every float32 v (±Infinity included): v <= t ⇔ v <= float32AtMost(t),
 * since v <= t gives v <= the largest float32 below t, and the reverse holds because that float is
 * itself ≤ t. Math.fround alone rounds to nearest and can land above t, flipping v in (t, fround(t)].
 */
export function float32AtMost(t: number): number {
  if (t !== t) return t
  const r = Math.fround(t)
  return r > t ? step32(r, -1) : r
}

/** The smallest float32 ≥ t: for every float32 v, v < t ⇔ v < float32AtLeast(t) (the mirror image). */
export function float32AtLeast(t: number): number {
  if (t !== t) return t
  const r = Math.fround(t)
  return r < t ? step32(r, 1) : r
}
