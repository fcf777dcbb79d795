import type { Forest } from '../forest/forest.ts'
import { treeCount } from '../forest/forest.ts'
import { addBranch, addLeaf, emptyEnsemble, finishEnsemble } from './ensemble.ts'
import type { TreeEnsemble } from './ensemble.ts'

/**
 * A random_forest / extra_trees flat forest (forest/forest.ts) as an averaged ensemble: node k of a
 * tree keeps id k, a node with feature < 0 is a leaf holding value[k]; `x <= threshold` goes left
 * (BRANCH_LEQ, left = true branch). The engine's `x <= t` is false for NaN, so NaN goes right:
 * nodes_missing_value_tracks_true = 0 everywhere reproduces that.
 */
export function forestEnsemble(fr: Forest): TreeEnsemble {
  const T = treeCount(fr)
  let leaves = 0
  for (let a = 0; a < fr.feature.length; a++) if (fr.feature[a] < 0) leaves++
  const e = emptyEnsemble('BRANCH_LEQ', 'AVERAGE', 0, 'identity', fr.feature.length, leaves)
  for (let t = 0; t < T; t++) {
    const o = fr.nodeStart[t]
    for (let k = 0; k < fr.nodeStart[t + 1] - o; k++) {
      const a = o + k
      if (fr.feature[a] < 0) addLeaf(e, t, k, fr.value[a])
      else addBranch(e, t, k, fr.feature[a], fr.threshold[a], fr.left[a], fr.right[a], false)
    }
  }
  return finishEnsemble(e, T)
}
