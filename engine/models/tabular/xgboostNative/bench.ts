// Native XGBoost through the koffi binding: 100 trees (hist, depth 6, eta 0.3, nthread 2) on a
// seeded 100k × 40 binary set. Measures and reports; it asserts nothing (STYLE.md: a benchmark is
// not a timed test). Run: node --import tsx engine/models/tabular/xgboostNative/bench.ts [rows] [cols]
import { createRng } from '../../../data/rng.ts'
import { createModel } from '../../../registry/index.ts'
import '../xgboostNative.ts'
import { loadXGBoost } from './library.ts'

const n = Number(process.argv[2] ?? 100_000)
const f = Number(process.argv[3] ?? 40)
const rng = createRng(42)
const x = new Float32Array(n * f)
for (let i = 0; i < x.length; i++) x[i] = rng.normal()
const label = new Float64Array(n)
for (let i = 0; i < n; i++) label[i] = x[i * f] - 0.5 * x[i * f + 1] + 0.3 * x[i * f + 2] * x[i * f + 3] + rng.normal() > 0 ? 1 : 0

const api = loadXGBoost()
const rssMb = () => (process.memoryUsage().rss / 1024 / 1024).toFixed(0)
console.log(`libxgboost ${api.version.join('.')} (${api.path}); OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY ?? '(unset)'}; ${n} × ${f}, 100 trees, depth 6, eta 0.3, nthread 2`)
for (let rep = 0; rep < 3; rep++) {
  const m = createModel('xgboost_native', { n_estimators: 100, max_depth: 6, learning_rate: 0.3, nthread: 2 }, { seed: 0 })
  let t = performance.now()
  await m.fit({ x: { data: x, shape: [n, f] }, y: { label } })
  const fitS = (performance.now() - t) / 1000
  t = performance.now()
  await m.predict({ data: x, shape: [n, f] })
  const predMs = performance.now() - t
  console.log(`run ${rep + 1}: fit ${fitS.toFixed(2)} s, predict ${predMs.toFixed(1)} ms (${((predMs * 1000) / n).toFixed(3)} µs/row), rss ${rssMb()} MB`)
}
