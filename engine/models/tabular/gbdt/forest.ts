import type { FloatArray, JsonObject, NumericArray } from '../../../contracts/component.ts'
import { FactoryError } from '../../../contracts/errors.ts'
import type { Tree } from './tree.ts'

/**
 * A trained ensemble flattened into a handful of typed arrays (trees back to back, child indices
 * relative to their tree), which is both the fast prediction layout and the saved form: save/load
 * copies the arrays, so predictions after load are bit-identical.
 */
export interface Forest {
  /** raw score every prediction starts from (log-odds, mean, or alpha-quantile) */
  initScore: number
  /** tree t's internal nodes are [nodeStart[t], nodeStart[t+1]) */
  nodeStart: Int32Array
  leafStart: Int32Array
  feature: Int32Array
  threshold: Float64Array
  defaultLeft: Uint8Array
  left: Int32Array
  right: Int32Array
  gain: Float64Array
  nodeCount: Int32Array
  leafValue: Float64Array
  leafCount: Int32Array
}

export function numTrees(forest: Forest): number {
  return forest.nodeStart.length - 1
}

export function buildForest(trees: readonly Tree[], initScore: number): Forest {
  const T = trees.length
  const nodeStart = new Int32Array(T + 1)
  const leafStart = new Int32Array(T + 1)
  trees.forEach((t, i) => {
    nodeStart[i + 1] = nodeStart[i] + t.numLeaves - 1
    leafStart[i + 1] = leafStart[i] + t.numLeaves
  })
  const N = nodeStart[T], L = leafStart[T]
  const f: Forest = {
    initScore,
    nodeStart,
    leafStart,
    feature: new Int32Array(N),
    threshold: new Float64Array(N),
    defaultLeft: new Uint8Array(N),
    left: new Int32Array(N),
    right: new Int32Array(N),
    gain: new Float64Array(N),
    nodeCount: new Int32Array(N),
    leafValue: new Float64Array(L),
    leafCount: new Int32Array(L),
  }
  trees.forEach((t, i) => {
    const m = t.numLeaves - 1, o = nodeStart[i], lo = leafStart[i]
    f.feature.set(t.feature.subarray(0, m), o)
    f.threshold.set(t.threshold.subarray(0, m), o)
    f.defaultLeft.set(t.defaultLeft.subarray(0, m), o)
    f.left.set(t.left.subarray(0, m), o)
    f.right.set(t.right.subarray(0, m), o)
    f.gain.set(t.gain.subarray(0, m), o)
    f.nodeCount.set(t.nodeCount.subarray(0, m), o)
    f.leafValue.set(t.leafValue.subarray(0, t.numLeaves), lo)
    f.leafCount.set(t.leafCount.subarray(0, t.numLeaves), lo)
  })
  return f
}

/** Keep the first `k` trees (early stopping's best iteration). */
export function truncateForest(f: Forest, k: number): Forest {
  const N = f.nodeStart[k], L = f.leafStart[k]
  return {
    initScore: f.initScore,
    nodeStart: f.nodeStart.slice(0, k + 1),
    leafStart: f.leafStart.slice(0, k + 1),
    feature: f.feature.slice(0, N),
    threshold: f.threshold.slice(0, N),
    defaultLeft: f.defaultLeft.slice(0, N),
    left: f.left.slice(0, N),
    right: f.right.slice(0, N),
    gain: f.gain.slice(0, N),
    nodeCount: f.nodeCount.slice(0, N),
    leafValue: f.leafValue.slice(0, L),
    leafCount: f.leafCount.slice(0, L),
  }
}

/**
 * Add the raw scores of trees [from, to) for row-major x (n × f) into `out`. Trees outer, rows
 * inner: one tree's few arrays stay in cache while the rows stream past.
 */
export function addTreeScores(fr: Forest, x: FloatArray, n: number, f: number, out: Float64Array, from = 0, to = numTrees(fr)): void {
  const { feature, threshold, defaultLeft, left, right, leafValue } = fr
  for (let t = from; t < to; t++) {
    const ns = fr.nodeStart[t], ls = fr.leafStart[t]
    if (fr.nodeStart[t + 1] === ns) {
      const v = leafValue[ls]
      for (let i = 0; i < n; i++) out[i] += v
      continue
    }
    for (let i = 0; i < n; i++) {
      const row = i * f
      let nd = 0
      while (nd >= 0) {
        const a = ns + nd
        const v = x[row + feature[a]]
        nd = v <= threshold[a] || (v !== v && defaultLeft[a] === 1) ? left[a] : right[a]
      }
      out[i] += leafValue[ls + ~nd]
    }
  }
}

/** Raw scores (before the objective's link) of every row. */
export function predictRaw(fr: Forest, x: FloatArray, n: number, f: number): Float64Array {
  const out = new Float64Array(n).fill(fr.initScore)
  addTreeScores(fr, x, n, f, out)
  return out
}

/** Total split gain per feature (LightGBM's importance_type='gain'). */
export function gainImportance(fr: Forest, numFeatures: number): Float64Array {
  const out = new Float64Array(numFeatures)
  for (let a = 0; a < fr.feature.length; a++) out[fr.feature[a]] += fr.gain[a]
  return out
}

const KEYS = ['nodeStart', 'leafStart', 'feature', 'threshold', 'defaultLeft', 'left', 'right', 'gain', 'nodeCount', 'leafValue', 'leafCount'] as const

export function forestArrays(fr: Forest, prefix: string): Record<string, NumericArray> {
  const out: Record<string, NumericArray> = {}
  for (const k of KEYS) out[`${prefix}${k}`] = fr[k].slice()
  return out
}

export function forestFromArrays(initScore: number, arrays: Record<string, NumericArray>, prefix: string): Forest {
  const get = <C extends NumericArray>(k: (typeof KEYS)[number], ctor: new (a: ArrayLike<number>) => C): C => {
    const a = arrays[`${prefix}${k}`]
    if (!a) throw new FactoryError('E_CONFIG', `saved booster is missing array '${prefix}${k}'`, { value: `${prefix}${k}`, valid: KEYS.map((x) => `${prefix}${x}`) })
    return new ctor(a)
  }
  return {
    initScore,
    nodeStart: get('nodeStart', Int32Array),
    leafStart: get('leafStart', Int32Array),
    feature: get('feature', Int32Array),
    threshold: get('threshold', Float64Array),
    defaultLeft: get('defaultLeft', Uint8Array),
    left: get('left', Int32Array),
    right: get('right', Int32Array),
    gain: get('gain', Float64Array),
    nodeCount: get('nodeCount', Int32Array),
    leafValue: get('leafValue', Float64Array),
    leafCount: get('leafCount', Int32Array),
  }
}

/** A readable nested dump of tree t (LightGBM dump_model style), for debugging. */
export function treeToJSON(fr: Forest, t: number, names?: readonly string[]): JsonObject {
  const ns = fr.nodeStart[t], ls = fr.leafStart[t]
  const walk = (c: number): JsonObject => {
    if (c < 0) return { leaf_index: ~c, leaf_value: fr.leafValue[ls + ~c], leaf_count: fr.leafCount[ls + ~c] }
    const a = ns + c
    const j = fr.feature[a]
    return {
      split_index: c,
      split_feature: names?.[j] ?? j,
      threshold: fr.threshold[a],
      default_left: fr.defaultLeft[a] === 1,
      split_gain: fr.gain[a],
      internal_count: fr.nodeCount[a],
      left_child: walk(fr.left[a]),
      right_child: walk(fr.right[a]),
    }
  }
  return { tree_index: t, num_leaves: fr.leafStart[t + 1] - ls, tree_structure: fr.nodeStart[t + 1] === ns ? walk(~0) : walk(0) }
}
