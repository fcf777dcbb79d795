/**
 * Labeller throughput on a year of 1-minute bars (525,600). The worst case is a barrier that is
 * never touched: every row scans all H bars. Run:
 *   node --import tsx engine/data/labels/tripleBarrier.bench.ts
 */
import { wilderAtr } from '../features/atr.ts'
import { tripleBarrierLabels, type BarrierSpec } from './tripleBarrier.ts'
import { randomWalkBars } from './syntheticBars.ts'

const n = 525_600
const bars = randomWalkBars(n, 42)
const atr = wilderAtr(bars.high, bars.low, bars.close, 14)

function run(name: string, spec: BarrierSpec): void {
  tripleBarrierLabels(bars, spec, 0.25, atr) // warm the JIT
  const reps = 3
  let best = Infinity
  let scanned = 0
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint()
    const out = tripleBarrierLabels(bars, spec, 0.25, atr)
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    best = Math.min(best, ms)
    scanned = 0
    for (let i = 0; i < n; i++) scanned += out.touchOffset[i]
  }
  console.log(`${name.padEnd(34)} ${best.toFixed(1).padStart(7)} ms  ${(n / best / 1000).toFixed(2).padStart(6)} M bars/s  mean bars scanned ${(scanned / n).toFixed(1)}`)
}

const base: BarrierSpec = { k_up: 2, k_down: 2, horizon: 60, atr_period: 14, timeout_label: 'zero', cost_ticks: 1 }
run('typical  k=2   H=60', base)
run('typical  k=2   H=240', { ...base, horizon: 240 })
run('worst    k=1e6 H=60 (no touch)', { ...base, k_up: 1e6, k_down: 1e6 })
run('worst    k=1e6 H=240 (no touch)', { ...base, k_up: 1e6, k_down: 1e6, horizon: 240 })
