import { FactoryError } from '../../../contracts/errors.ts'

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
  /** applied to the aggregated score: sigmoid for a binary head */
  link: 'identity' | 'sigmoid'
  numTrees: number
  /** nodes and leaf weights written so far (the arrays are sized exactly for the whole ensemble) */
  nodes: number
  leaves: number
  nodeTree: Int32Array
  nodeId: Int32Array
  /** per node: 1 for a leaf (mode LEAF), which has no feature, threshold or children */
  nodeLeaf: Uint8Array
  nodeFeature: Int32Array
  nodeThreshold: Float64Array
  nodeTrue: Int32Array
  nodeFalse: Int32Array
  /** 1 when NaN takes the true branch (onnxruntime otherwise sends NaN down the false one) */
  nodeMissingTrue: Uint8Array
  leafTree: Int32Array
  leafNode: Int32Array
  leafWeight: Float64Array
}

/** An ensemble with room for exactly `numNodes` nodes, `numLeaves` of them leaves. */
export function emptyEnsemble(mode: BranchMode, aggregate: TreeEnsemble['aggregate'], base: number, link: TreeEnsemble['link'], numNodes: number, numLeaves: number): TreeEnsemble {
  return {
    mode,
    aggregate,
    base,
    link,
    numTrees: 0,
    nodes: 0,
    leaves: 0,
    nodeTree: new Int32Array(numNodes),
    nodeId: new Int32Array(numNodes),
    nodeLeaf: new Uint8Array(numNodes),
    nodeFeature: new Int32Array(numNodes),
    nodeThreshold: new Float64Array(numNodes),
    nodeTrue: new Int32Array(numNodes),
    nodeFalse: new Int32Array(numNodes),
    nodeMissingTrue: new Uint8Array(numNodes),
    leafTree: new Int32Array(numLeaves),
    leafNode: new Int32Array(numLeaves),
    leafWeight: new Float64Array(numLeaves),
  }
}

function room(e: TreeEnsemble, leaf: boolean): number {
  if (e.nodes >= e.nodeTree.length || (leaf && e.leaves >= e.leafTree.length))
    throw new FactoryError('E_INTERNAL', `onnx/ensemble: converter wrote more than the ${e.nodeTree.length} nodes / ${e.leafTree.length} leaves it sized`, { value: e.nodes })
  return e.nodes++
}

export function addBranch(e: TreeEnsemble, tree: number, id: number, feature: number, threshold: number, trueId: number, falseId: number, missingTrue: boolean): void {
  const k = room(e, false)
  e.nodeTree[k] = tree
  e.nodeId[k] = id
  e.nodeFeature[k] = feature
  e.nodeThreshold[k] = threshold
  e.nodeTrue[k] = trueId
  e.nodeFalse[k] = falseId
  e.nodeMissingTrue[k] = missingTrue ? 1 : 0
}

export function addLeaf(e: TreeEnsemble, tree: number, id: number, weight: number): void {
  const k = room(e, true)
  e.nodeTree[k] = tree
  e.nodeId[k] = id
  e.nodeLeaf[k] = 1
  const l = e.leaves++
  e.leafTree[l] = tree
  e.leafNode[l] = id
  e.leafWeight[l] = weight
}

/** Close the ensemble: every sized slot must have been written (a converter's count was right). */
export function finishEnsemble(e: TreeEnsemble, numTrees: number): TreeEnsemble {
  if (e.nodes !== e.nodeTree.length || e.leaves !== e.leafTree.length)
    throw new FactoryError('E_INTERNAL', `onnx/ensemble: converter sized ${e.nodeTree.length} nodes / ${e.leafTree.length} leaves but wrote ${e.nodes} / ${e.leaves}`, { value: e.nodes })
  e.numTrees = numTrees
  return e
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
