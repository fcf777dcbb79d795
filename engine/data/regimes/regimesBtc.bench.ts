// Regimes on a real file (a measurement, not a test):
//   node --import tsx engine/data/regimes/regimesBtc.bench.ts [file.csv.gz] [trainEnd]
// Times fitRegimes on [0, trainEnd) under the defaults and under the two older behaviours the
// defaults replaced (every start run to convergence; no row cap), then applyRegimes on all bars.
import { loadValidatedBars } from '../validate/loadValidated.ts'
import { applyRegimes, fitRegimes } from './regimes.ts'

const file = process.argv[2] ?? '/work/shared/data/btcusdt_binance_spot_1m_2024-12_2025-11.csv.gz'
const trainEnd = Number(process.argv[3] ?? 404_000)
const { bars } = await loadValidatedBars(file, { validation: { instrument: 'BTCUSDT' } })
console.log(`${bars.length} bars, training rows [0, ${trainEnd})`)

const variants: [string, Record<string, unknown>][] = [
  ['defaults (screen 5 iters, max_fit_rows 200k)', {}],
  ['screen 5 iters, all rows', { max_fit_rows: 1_000_000_000 }],
  ['every start to convergence, all rows', { max_fit_rows: 1_000_000_000, n_init_iter: 10_000 }],
]
let model = null as ReturnType<typeof fitRegimes> | null
for (const [label, cfg] of variants) {
  const t0 = performance.now()
  const m = fitRegimes(bars, { start: 0, end: trainEnd }, cfg)
  const ms = performance.now() - t0
  const p = m.params
  console.log(`${label.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms  fit rows [${m.fitRange.start}, ${m.fitRange.end})  kept restart: ${p.iterations} EM iterations, converged ${p.converged}, LL/row ${(p.logLik / (m.fitRange.end - m.fitRange.start)).toFixed(6)}`)
  model ??= m
}
let best = Infinity
for (let i = 0; i < 3; i++) { const t0 = performance.now(); applyRegimes(model!, bars); best = Math.min(best, performance.now() - t0) }
console.log(`applyRegimes, ${bars.length} bars: ${best.toFixed(0)} ms (${(bars.length / best / 1000).toFixed(2)} M bars/s)`)
