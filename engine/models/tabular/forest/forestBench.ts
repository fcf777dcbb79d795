/**
 * Benchmark (measures and reports; not a test): one thread, synthetic classification set.
 *   node --import tsx engine/models/tabular/forest/forestBench.ts [rows=20000] [features=30] [trees=100]
 * Prints, for random_forest and extra_trees at scikit-learn defaults (p_up head): fit seconds,
 * nodes, predict µs/row and training-set AUC. Compare with scikit-learn (n_jobs=1) on the same
 * shape; see the reference test's log for both on the fixture set.
 */
import { createRng } from '../../../data/rng.ts'
import { rocAuc } from '../../../inference/metrics/auc.ts'
import { createModel } from '../../../registry/index.ts'
import '../randomForest.ts'
import '../extraTrees.ts'

const n = Number(process.argv[2] ?? 20_000)
const f = Number(process.argv[3] ?? 30)
const trees = Number(process.argv[4] ?? 100)
const rng = createRng(1)
const x = new Float32Array(n * f)
for (let i = 0; i < x.length; i++) x[i] = rng.normal()
const label = new Float64Array(n)
for (let i = 0; i < n; i++) {
  const r = i * f
  label[i] = x[r] + x[r + 1] * x[r + 2] + Math.sin(x[r + 3]) + rng.normal() > 0 ? 1 : 0
}
for (const name of ['random_forest', 'extra_trees']) {
  const m = createModel(name, { n_estimators: trees }, { seed: 1 })
  const cpu0 = process.cpuUsage()
  const rep = await m.fit({ x: { data: x, shape: [n, f] }, y: { label } })
  const cpu = process.cpuUsage(cpu0).user / 1e6
  const t0 = performance.now()
  const out = await m.predict({ data: x, shape: [n, f] })
  const us = ((performance.now() - t0) * 1000) / n
  const nodes = (rep.info.p_up as { nodes: number }).nodes
  console.log(`${name.padEnd(14)} ${n}×${f}, ${trees} trees: fit ${rep.seconds.toFixed(2)} s (cpu ${cpu.toFixed(2)} s), ${nodes} nodes, predict ${us.toFixed(2)} µs/row, train AUC ${rocAuc(out.p_up!, label).value.toFixed(4)}`)
}
