import type { Rng } from '../../../data/rng.ts'
import { createRng } from '../../../data/rng.ts'
import { bootstrapDraws, bootstrapWeights } from './bootstrap.ts'
import { TreeBuilder } from './cart.ts'
import type { TreeParams } from './cart.ts'
import type { ColumnMatrix } from './columns.ts'
import { packForest } from './forest.ts'
import type { Forest } from './forest.ts'
import type { Tree } from './cart.ts'

export interface ForestParams extends TreeParams {
  nEstimators: number
  bootstrap: boolean
  /** fraction of n drawn per tree when bootstrapping; null = n */
  maxSamples: number | null
}

/**
 * Grow `nEstimators` trees on one target. Each tree gets its own seed drawn up front from `rng`,
 * so tree t is the same whatever happens to the others. `onTree(t)` runs before tree t is grown
 * (progress and cancellation point); `order` is the presorted column order (best splitter only),
 * shared between heads since it depends on x alone.
 */
export function trainForest(
  m: ColumnMatrix,
  y: Float64Array,
  sampleWeight: Float64Array | undefined,
  p: ForestParams,
  rng: Rng,
  order: Int32Array | undefined,
  onTree?: (t: number) => void,
): Forest {
  const { n } = m
  const builder = new TreeBuilder(m, p, order)
  const seeds = Array.from({ length: p.nEstimators }, () => rng.int(0x7fffffff))
  const draws = bootstrapDraws(n, p.maxSamples)
  const w = new Float64Array(n)
  if (!p.bootstrap) {
    if (sampleWeight) w.set(sampleWeight)
    else w.fill(1)
  }
  const trees: Tree[] = []
  for (let t = 0; t < p.nEstimators; t++) {
    onTree?.(t)
    const treeRng = createRng(seeds[t])
    if (p.bootstrap) bootstrapWeights(n, draws, sampleWeight, treeRng, w)
    trees.push(builder.grow(y, w, treeRng))
  }
  return packForest(trees)
}
