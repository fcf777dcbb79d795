// Benchmark, not a test: measures resample throughput on a year of 1-minute bars.
//   node --import tsx engine/data/resample/resample.bench.ts
import { resolveInstrument } from '../calendar/instruments.ts'
import { createRng } from '../rng.ts'
import { resampleBars } from './resample.ts'
import { syntheticMinuteBars } from './syntheticMinuteBars.ts'

const N = 525_600
const targets: [string, number][] = [['5m', 300_000], ['1h', 3_600_000], ['1d', 86_400_000]]

for (const symbol of ['BTCUSDT', 'ES']) {
  const cal = resolveInstrument(symbol).sessionCalendar
  const bars = syntheticMinuteBars({ startMs: Date.parse('2024-01-01T00:00:00Z'), count: N, rng: createRng(1), calendar: cal })
  for (const [name, ms] of targets) {
    // a fresh calendar each round so its segment cache starts cold, as in a real run
    const fresh = () => resolveInstrument(symbol).sessionCalendar
    resampleBars(bars, 60_000, ms, fresh())
    const runs: number[] = []
    for (let r = 0; r < 5; r++) {
      const c = fresh()
      const t0 = performance.now()
      resampleBars(bars, 60_000, ms, c)
      runs.push(performance.now() - t0)
    }
    runs.sort((a, b) => a - b)
    const med = runs[2]
    console.log(`${symbol} 1m→${name}: ${N} bars in ${med.toFixed(1)} ms (median of 5) = ${((N / med) * 1000 / 1e6).toFixed(2)} M bars/s`)
  }
}

// MTF features: resample + HTF indicators + as-of join, all five feature kinds.
const { mtfFeatures } = await import('../features/mtf.ts')
for (const symbol of ['BTCUSDT', 'ES']) {
  const bars = syntheticMinuteBars({ startMs: Date.parse('2024-01-01T00:00:00Z'), count: N, rng: createRng(2), calendar: resolveInstrument(symbol).sessionCalendar })
  for (const tf of ['5m', '15m', '1h', '4h']) {
    const spec = { tf, features: [{ name: 'logret', lags: 3 }, { name: 'rv', window: 20 }, { name: 'rsi', period: 14 }, { name: 'natr', period: 14 }, 'range_pos'] as const }
    mtfFeatures(bars, resolveInstrument(symbol).sessionCalendar, spec)
    const runs: number[] = []
    let cols = 0
    for (let r = 0; r < 5; r++) {
      const c = resolveInstrument(symbol).sessionCalendar
      const t0 = performance.now()
      cols = mtfFeatures(bars, c, spec).columns.length
      runs.push(performance.now() - t0)
    }
    runs.sort((a, b) => a - b)
    console.log(`${symbol} MTF ${tf} (${cols} columns): ${runs[2].toFixed(1)} ms = ${((N / runs[2]) * 1000 / 1e6).toFixed(2)} M bars/s`)
  }
}
