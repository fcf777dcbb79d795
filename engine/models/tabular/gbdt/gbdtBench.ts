/**
 * Benchmark (measures and reports; not a test): one thread, synthetic classification set.
 *   node --import tsx engine/models/tabular/gbdt/gbdtBench.ts [rows=100000] [features=50] [trees=200]
 * Prints binning seconds, training seconds (num_leaves 31, lr 0.1), predict µs/row and train loss.
 */
import { createRng } from '../../../data/rng.ts'
import { binDataset } from './binning.ts'
import { trainBooster } from './booster.ts'
import { predictRaw } from './forest.ts'
import { binaryObjective } from './objectives.ts'

const n = Number(process.argv[2] ?? 100_000)
const f = Number(process.argv[3] ?? 50)
const trees = Number(process.argv[4] ?? 200)
const rng = createRng(1)
const x = new Float32Array(n * f)
for (let i = 0; i < x.length; i++) x[i] = rng.normal()
const y = new Float64Array(n)
for (let i = 0; i < n; i++) {
  const r = i * f
  const z = x[r] * x[r + 1] + Math.sin(2 * x[r + 2]) + 0.5 * x[r + 3] - (x[r + 4] > 0.5 ? 1 : 0) + rng.normal()
  y[i] = z > 0 ? 1 : 0
}
let t0 = performance.now()
const binned = binDataset(x, n, f, 255, createRng(2))
const binS = (performance.now() - t0) / 1000
t0 = performance.now()
const res = trainBooster(
  binned, y, undefined, binaryObjective,
  { numLeaves: 31, maxDepth: -1, minDataInLeaf: 20, minSumHessianInLeaf: 1e-3, lambdaL1: 0, lambdaL2: 0, minGainToSplit: 0, learningRate: 0.1, numIterations: trees, featureFraction: 1, baggingFraction: 1, baggingFreq: 0, earlyStoppingRounds: 0 },
  createRng(3),
)
const trainS = (performance.now() - t0) / 1000
t0 = performance.now()
predictRaw(res.forest, x, n, f)
const predictUs = ((performance.now() - t0) * 1000) / n
console.log(JSON.stringify({ rows: n, features: f, trees: res.iterationsRun, bin_s: +binS.toFixed(2), train_s: +trainS.toFixed(2), predict_us_per_row: +predictUs.toFixed(2), train_logloss: +res.trainLoss.at(-1)!.toFixed(4) }))
