import type { FloatArray } from '../../../contracts/component.ts'
import type { Rng } from '../../../data/rng.ts'
import type { BinnedMatrix } from './binning.ts'
import { buildForest } from './forest.ts'
import type { Forest } from './forest.ts'
import { GrowWorkspace, growTreeLeafwise } from './leafwise.ts'
import type { GrowParams } from './leafwise.ts'
import type { Objective } from './objectives.ts'
import type { Tree } from './tree.ts'

/**
 * The boosting loop (LightGBM's GBDT::TrainOneIter): gradients at the current scores → optional
 * bagging and feature subsampling → grow a tree → renew leaves (quantile) → shrink → update train
 * and validation scores → early stopping. Tree growth is a parameter so depth-wise and oblivious
 * growers can reuse everything else.
 */

export interface BoosterParams extends GrowParams {
  learningRate: number
  numIterations: number
  /** fraction of usable features drawn (without replacement) for each tree */
  featureFraction: number
  /** fraction of rows kept (each row independently) when bagging is on */
  baggingFraction: number
  /** re-draw the bag every k iterations; 0 = no bagging */
  baggingFreq: number
  /** stop when the validation metric has not improved for this many rounds; 0 = off */
  earlyStoppingRounds: number
}

export interface ValidSet {
  x: FloatArray
  n: number
  y: Float64Array
  w?: Float64Array
}

export interface IterationInfo {
  iteration: number
  trainLoss: number
  validLoss?: number
}

export interface BoosterResult {
  forest: Forest
  /** number of trees kept (the best iteration under early stopping, else all grown) */
  bestIteration: number
  iterationsRun: number
  stoppedEarly: boolean
  /** why growth ended before numIterations: 'early_stopping' | 'no_split' | null */
  stopReason: 'early_stopping' | 'no_split' | null
  trainLoss: number[]
  validLoss: number[]
}

export type TreeGrower = (ws: GrowWorkspace, grad: Float64Array, hess: Float64Array, bag: Uint32Array | null, features: Int32Array, p: GrowParams) => Tree

export interface TrainOptions {
  valid?: ValidSet
  grower?: TreeGrower
  /** node histograms the grower may hold at once (default numLeaves, what leaf-wise growth needs) */
  histograms?: number
  onIteration?: (info: IterationInfo) => void
}

/** Features that can split at all (constant columns have a single bin and no missing values). */
function usableFeatures(binned: BinnedMatrix): Int32Array {
  const out: number[] = []
  const { n, bins, mapper } = binned
  for (let j = 0; j < binned.f; j++) {
    if (mapper.numBins[j] >= 2) out.push(j)
    else {
      const mb = mapper.numBins[j]
      const col = bins.subarray(j * n, (j + 1) * n)
      if (col.includes(mb) && col.includes(0)) out.push(j)
    }
  }
  return Int32Array.from(out)
}

function drawFeatures(all: Int32Array, fraction: number, rng: Rng): Int32Array {
  if (fraction >= 1) return all
  const k = Math.max(1, Math.round(all.length * fraction))
  const a = all.slice()
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i)
    const t = a[i]
    a[i] = a[j]
    a[j] = t
  }
  return a.subarray(0, k).sort()
}

function drawBag(n: number, fraction: number, rng: Rng, out: Uint32Array, inBag: Uint8Array): Uint32Array {
  let k = 0
  for (let i = 0; i < n; i++) {
    const keep = rng.next() < fraction
    inBag[i] = keep ? 1 : 0
    if (keep) out[k++] = i
  }
  return out.subarray(0, k)
}

export function trainBooster(binned: BinnedMatrix, y: Float64Array, w: Float64Array | undefined, obj: Objective, p: BoosterParams, rng: Rng, opts: TrainOptions = {}): BoosterResult {
  const { n } = binned
  const grow = opts.grower ?? growTreeLeafwise
  const ws = new GrowWorkspace(binned, p.numLeaves, opts.histograms)
  const init = obj.initScore(y, w)
  const score = new Float64Array(n).fill(init)
  const grad = new Float64Array(n)
  const hess = new Float64Array(n)
  const scratch = obj.renewLeaf ? new Float64Array(n) : undefined
  const features = usableFeatures(binned)
  const bagging = p.baggingFreq > 0 && p.baggingFraction < 1
  const bagBuf = bagging ? new Uint32Array(n) : undefined
  const inBag = new Uint8Array(n).fill(1)
  let bag: Uint32Array | null = null
  const valid = opts.valid
  const vScore = valid ? new Float64Array(valid.n).fill(init) : undefined
  const vf = valid ? valid.x.length / Math.max(1, valid.n) : 0
  const trees: Tree[] = []
  const trainLoss: number[] = []
  const validLoss: number[] = []
  let bestIt = 0
  let bestLoss = Infinity
  let stopReason: BoosterResult['stopReason'] = null

  for (let it = 0; it < p.numIterations; it++) {
    obj.gradients(y, score, w, grad, hess)
    if (bagging && it % p.baggingFreq === 0) bag = drawBag(n, p.baggingFraction, rng, bagBuf!, inBag)
    const feats = drawFeatures(features, p.featureFraction, rng)
    const tree = grow(ws, grad, hess, bag, feats, p)
    // LightGBM stops when a tree cannot split: a lone leaf would only shift every score alike
    if (tree.numLeaves <= 1) {
      stopReason = 'no_split'
      break
    }
    if (obj.renewLeaf) for (let l = 0; l < tree.numLeaves; l++) tree.leafValue[l] = obj.renewLeaf(ws.leafRows(l), y, score, w, scratch!)
    tree.scaleLeaves(p.learningRate)
    for (let l = 0; l < tree.numLeaves; l++) {
      const rows = ws.leafRows(l)
      const v = tree.leafValue[l]
      for (let i = 0; i < rows.length; i++) score[rows[i]] += v
    }
    if (bag) for (let i = 0; i < n; i++) if (!inBag[i]) score[i] += tree.leafValue[tree.leafOfBinned(binned, i)]
    trees.push(tree)
    const tl = obj.loss(y, score, w)
    trainLoss.push(tl)
    const info: IterationInfo = { iteration: it + 1, trainLoss: tl }
    if (valid && vScore) {
      for (let i = 0; i < valid.n; i++) vScore[i] += tree.leafValue[tree.leafOfRaw(valid.x, i, vf)]
      const vl = obj.loss(valid.y, vScore, valid.w)
      validLoss.push(vl)
      info.validLoss = vl
      if (vl < bestLoss) {
        bestLoss = vl
        bestIt = it + 1
      }
    }
    opts.onIteration?.(info)
    if (valid && p.earlyStoppingRounds > 0 && it + 1 - bestIt >= p.earlyStoppingRounds) {
      stopReason = 'early_stopping'
      break
    }
  }
  const keep = valid && p.earlyStoppingRounds > 0 ? bestIt : trees.length
  return {
    forest: buildForest(trees.slice(0, keep), init),
    bestIteration: keep,
    iterationsRun: trees.length,
    stoppedEarly: stopReason === 'early_stopping',
    stopReason,
    trainLoss,
    validLoss,
  }
}
