import type { FloatArray, NumericArray } from '../../../contracts/component.ts'
import { FactoryError } from '../../../contracts/errors.ts'
import type { Tree } from './cart.ts'

/**
 * A trained forest as flat typed arrays, trees back to back (tree t owns nodes
 * [nodeStart[t], nodeStart[t+1]), child indices relative to its tree, leaves have feature −1):
 * the prediction layout and the saved form at once, so save → load predicts bit-identically.
 */
export interface Forest {
  nodeStart: Int32Array
  feature: Int32Array
  threshold: Float64Array
  left: Int32Array
  right: Int32Array
  value: Float64Array
  gain: Float64Array
}

const FIELDS = ['nodeStart', 'feature', 'threshold', 'left', 'right', 'value', 'gain'] as const
const TYPES: Record<(typeof FIELDS)[number], typeof Int32Array | typeof Float64Array> = {
  nodeStart: Int32Array,
  feature: Int32Array,
  threshold: Float64Array,
  left: Int32Array,
  right: Int32Array,
  value: Float64Array,
  gain: Float64Array,
}

export function packForest(trees: readonly Tree[]): Forest {
  const nodeStart = new Int32Array(trees.length + 1)
  trees.forEach((t, i) => (nodeStart[i + 1] = nodeStart[i] + t.nodeCount))
  const N = nodeStart[trees.length]
  const f: Forest = {
    nodeStart,
    feature: new Int32Array(N),
    threshold: new Float64Array(N),
    left: new Int32Array(N),
    right: new Int32Array(N),
    value: new Float64Array(N),
    gain: new Float64Array(N),
  }
  trees.forEach((t, i) => {
    const o = nodeStart[i]
    f.feature.set(t.feature, o)
    f.threshold.set(t.threshold, o)
    f.left.set(t.left, o)
    f.right.set(t.right, o)
    f.value.set(t.value, o)
    f.gain.set(t.gain, o)
  })
  return f
}

export const treeCount = (f: Forest): number => f.nodeStart.length - 1

/**
 * Mean over trees of each row's leaf value (scikit-learn sums the trees in order, then divides by
 * their number; so does this). Trees outer, rows inner: one tree's nodes stay in cache.
 */
export function predictForest(forest: Forest, x: FloatArray, n: number, f: number): Float64Array {
  const { nodeStart, feature, threshold, left, right, value } = forest
  const T = treeCount(forest)
  const sum = new Float64Array(n)
  for (let t = 0; t < T; t++) {
    const o = nodeStart[t]
    for (let i = 0, row = 0; i < n; i++, row += f) {
      let k = o
      let j = feature[k]
      while (j >= 0) {
        k = o + (x[row + j] <= threshold[k] ? left[k] : right[k])
        j = feature[k]
      }
      sum[i] += value[k]
    }
  }
  for (let i = 0; i < n; i++) sum[i] /= T
  return sum
}

/**
 * scikit-learn's feature_importances_: per tree, each feature's summed weighted impurity decrease,
 * normalised to sum 1 (a single-leaf tree contributes nothing); averaged over trees, renormalised.
 */
export function forestImportance(forest: Forest, f: number): Float64Array {
  const out = new Float64Array(f)
  const per = new Float64Array(f)
  const T = treeCount(forest)
  for (let t = 0; t < T; t++) {
    per.fill(0)
    let total = 0
    for (let k = forest.nodeStart[t]; k < forest.nodeStart[t + 1]; k++) {
      const j = forest.feature[k]
      if (j < 0) continue
      per[j] += forest.gain[k]
      total += forest.gain[k]
    }
    if (total > 0) for (let j = 0; j < f; j++) out[j] += per[j] / total
  }
  let s = 0
  for (let j = 0; j < f; j++) s += out[j]
  if (s > 0) for (let j = 0; j < f; j++) out[j] /= s
  return out
}

/** Copies of the arrays under `prefix` + field name, for SavedComponent.arrays. */
export function forestArrays(forest: Forest, prefix: string): Record<string, NumericArray> {
  const out: Record<string, NumericArray> = {}
  for (const k of FIELDS) out[prefix + k] = forest[k].slice()
  return out
}

/** Rebuild from saved arrays, checking types and the tree structure (indices in range). */
export function forestFromArrays(arrays: Record<string, NumericArray>, prefix: string, numFeatures: number): Forest {
  const got: Partial<Forest> = {}
  for (const k of FIELDS) {
    const a = arrays[prefix + k]
    if (!(a instanceof TYPES[k]))
      throw new FactoryError('E_CONFIG', `saved forest array '${prefix + k}' is ${a ? a.constructor.name : 'missing'}; expected ${TYPES[k].name}`, { path: prefix + k, valid: [...FIELDS].map((f) => prefix + f) })
    ;(got as Record<string, NumericArray>)[k] = a.slice()
  }
  const forest = got as Forest
  const N = forest.feature.length
  const bad = (why: string): never => {
    throw new FactoryError('E_CONFIG', `saved forest '${prefix.replace(/\.$/, '')}' is corrupt: ${why}`, { path: prefix + 'nodeStart' })
  }
  if (forest.nodeStart.length < 2 || forest.nodeStart[0] !== 0 || forest.nodeStart[forest.nodeStart.length - 1] !== N) bad(`nodeStart does not span the ${N} nodes`)
  for (const k of FIELDS) if (k !== 'nodeStart' && forest[k].length !== N) bad(`'${k}' has ${forest[k].length} entries for ${N} nodes`)
  for (let t = 0; t < treeCount(forest); t++) {
    const o = forest.nodeStart[t]
    const size = forest.nodeStart[t + 1] - o
    if (size < 1) bad(`tree ${t} has no nodes`)
    for (let k = 0; k < size; k++) {
      const j = forest.feature[o + k]
      if (j < 0) continue
      // children come after their parent (depth-first order), which also rules out cycles
      const l = forest.left[o + k], r = forest.right[o + k]
      if (j >= numFeatures || !(l > k && l < size) || !(r > k && r < size)) bad(`tree ${t} node ${k} points outside the tree (feature ${j}, children ${l}, ${r})`)
    }
  }
  return forest
}
