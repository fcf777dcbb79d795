/**
 * Metric throughput on 1M rows (target: AUC < 300 ms). Reports; asserts nothing. Run:
 *   node --import tsx engine/inference/metrics/metrics.bench.ts
 */
import { createRng } from '../../data/rng.ts'
import { rocAuc } from './auc.ts'
import { ic } from './correlation.ts'
import { evaluate } from './evaluate.ts'
import { ece, reliabilityBins } from './reliability.ts'
import { logLoss } from './classification.ts'

const n = 1_000_000
const rng = createRng(7)
const p = new Float64Array(n)
const y = new Float64Array(n)
const w = new Float64Array(n)
const ret = new Float64Array(n)
const er = new Float64Array(n)
for (let i = 0; i < n; i++) {
  p[i] = rng.next()
  y[i] = rng.next() < p[i] ? 1 : 0
  w[i] = rng.next()
  ret[i] = rng.normal() * 1e-3
  er[i] = 0.3 * ret[i] + rng.normal() * 1e-3
}
const pTies = p.map((v) => Math.round(v * 100) / 100)

function time(name: string, f: () => unknown): void {
  f() // warm the JIT
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint()
    f()
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6)
  }
  console.log(`${name.padEnd(40)} ${best.toFixed(1).padStart(7)} ms  ${(n / best / 1000).toFixed(1).padStart(6)} M rows/s`)
}

console.log(`n = ${n.toLocaleString('en')} rows, best of 5`)
time('rocAuc (distinct scores)', () => rocAuc(p, y))
time('rocAuc (100 distinct scores)', () => rocAuc(pTies, y))
time('rocAuc weighted', () => rocAuc(p, y, { weight: w }))
time('comparator sort of an index (baseline)', () => Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]))
time('logLoss', () => logLoss(p, y))
time('reliabilityBins uniform 15', () => reliabilityBins(p, y))
time('ece quantile 15', () => ece(p, y, { strategy: 'quantile' }))
time('ic (Spearman)', () => ic(er, ret))
time('evaluate (p_up, E_r, q05/q50/q95)', () => evaluate({ p_up: p, E_r: er, q05: er.map((v) => v - 2e-3), q50: er, q95: er.map((v) => v + 2e-3) }, { label: y, ret }))
