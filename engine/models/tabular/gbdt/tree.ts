import type { BinnedMatrix } from './binning.ts'

/**
 * One regression tree as LightGBM lays it out: internal nodes 0..L−2 in creation order, leaves
 * 0..L−1; a child index c >= 0 is an internal node and c < 0 is leaf ~c. Growing splits a leaf in
 * place: the leaf keeps its index for the left child and the right child becomes leaf L, which is
 * what lets the grower keep one row segment per leaf index.
 */
export class Tree {
  numLeaves = 1
  readonly feature: Int32Array
  readonly thresholdBin: Int32Array
  /** raw-value threshold: x <= threshold goes left */
  readonly threshold: Float64Array
  readonly defaultLeft: Uint8Array
  readonly left: Int32Array
  readonly right: Int32Array
  readonly gain: Float64Array
  readonly nodeCount: Int32Array
  readonly leafValue: Float64Array
  readonly leafCount: Int32Array
  readonly leafDepth: Int32Array
  /** internal node whose child the leaf is (−1 for the root leaf) */
  readonly leafParent: Int32Array

  constructor(maxLeaves: number) {
    const m = Math.max(1, maxLeaves - 1)
    this.feature = new Int32Array(m)
    this.thresholdBin = new Int32Array(m)
    this.threshold = new Float64Array(m)
    this.defaultLeft = new Uint8Array(m)
    this.left = new Int32Array(m)
    this.right = new Int32Array(m)
    this.gain = new Float64Array(m)
    this.nodeCount = new Int32Array(m)
    this.leafValue = new Float64Array(maxLeaves)
    this.leafCount = new Int32Array(maxLeaves)
    this.leafDepth = new Int32Array(maxLeaves)
    this.leafParent = new Int32Array(maxLeaves).fill(-1)
  }

  /** Split leaf `leaf`; returns the new (right) leaf's index. */
  split(leaf: number, feature: number, bin: number, threshold: number, defaultLeft: boolean, gain: number, leftValue: number, rightValue: number, leftCount: number, rightCount: number): number {
    const node = this.numLeaves - 1
    const newLeaf = this.numLeaves
    const parent = this.leafParent[leaf]
    if (parent >= 0) {
      if (this.left[parent] === ~leaf) this.left[parent] = node
      else this.right[parent] = node
    }
    this.feature[node] = feature
    this.thresholdBin[node] = bin
    this.threshold[node] = threshold
    this.defaultLeft[node] = defaultLeft ? 1 : 0
    this.gain[node] = gain
    this.nodeCount[node] = leftCount + rightCount
    this.left[node] = ~leaf
    this.right[node] = ~newLeaf
    this.leafParent[leaf] = node
    this.leafParent[newLeaf] = node
    const depth = this.leafDepth[leaf] + 1
    this.leafDepth[leaf] = depth
    this.leafDepth[newLeaf] = depth
    this.leafValue[leaf] = leftValue
    this.leafValue[newLeaf] = rightValue
    this.leafCount[leaf] = leftCount
    this.leafCount[newLeaf] = rightCount
    this.numLeaves++
    return newLeaf
  }

  /** Leaf of binned row `row` (used for rows outside the bag, which have no segment). */
  leafOfBinned(binned: BinnedMatrix, row: number): number {
    if (this.numLeaves === 1) return 0
    const { n, bins, mapper } = binned
    let nd = 0
    while (nd >= 0) {
      const j = this.feature[nd]
      const b = bins[j * n + row]
      const goLeft = b === mapper.numBins[j] ? this.defaultLeft[nd] === 1 : b <= this.thresholdBin[nd]
      nd = goLeft ? this.left[nd] : this.right[nd]
    }
    return ~nd
  }

  /** Leaf of row `row` of row-major raw x with f columns (x <= threshold goes left). */
  leafOfRaw(x: ArrayLike<number>, row: number, f: number): number {
    if (this.numLeaves === 1) return 0
    let nd = 0
    while (nd >= 0) {
      const v = x[row * f + this.feature[nd]]
      nd = v <= this.threshold[nd] || (v !== v && this.defaultLeft[nd] === 1) ? this.left[nd] : this.right[nd]
    }
    return ~nd
  }

  scaleLeaves(rate: number): void {
    for (let l = 0; l < this.numLeaves; l++) this.leafValue[l] *= rate
  }
}
