import type { Forest } from '../gbdt/forest.ts'
import { numTrees } from '../gbdt/forest.ts'
import { addBranch, addLeaf, emptyEnsemble, finishEnsemble } from './ensemble.ts'
import type { TreeEnsemble } from './ensemble.ts'

/**
 * Our histogram GBDT's flattened forest (gbdt/forest.ts) as a summed ensemble: node c of a tree
 * keeps id c, leaf l becomes id m + l (m internal nodes); `v <= threshold` goes left, so left is
 * the true branch of BRANCH_LEQ and defaultLeft is exactly nodes_missing_value_tracks_true (the
 * engine routes NaN the same way, though components reject NaN before predicting). initScore is
 * the base value; `sigmoid` is set for the binary head, whose output is sigmoid(raw score).
 */
export function gbdtEnsemble(fr: Forest, sigmoid: boolean): TreeEnsemble {
  const T = numTrees(fr)
  const e = emptyEnsemble('BRANCH_LEQ', 'SUM', fr.initScore, sigmoid ? 'sigmoid' : 'identity', fr.nodeStart[T] + fr.leafStart[T], fr.leafStart[T])
  for (let t = 0; t < T; t++) {
    const ns = fr.nodeStart[t], ls = fr.leafStart[t]
    const m = fr.nodeStart[t + 1] - ns
    if (m === 0) {
      addLeaf(e, t, 0, fr.leafValue[ls])
      continue
    }
    const id = (c: number) => (c >= 0 ? c : m + ~c)
    for (let c = 0; c < m; c++) {
      const a = ns + c
      addBranch(e, t, c, fr.feature[a], fr.threshold[a], id(fr.left[a]), id(fr.right[a]), fr.defaultLeft[a] === 1)
    }
    for (let l = 0; l < fr.leafStart[t + 1] - ls; l++) addLeaf(e, t, m + l, fr.leafValue[ls + l])
  }
  return finishEnsemble(e, T)
}
