// Throughput of the feature library: `node --import tsx engine/data/features/featuresBench.ts [n] [set] [tz]`.
// A measurement to report, not a timed test. Runs a warm-up pass first so the JIT has compiled the
// loops, then takes the median of several runs.
import { computeFeatures } from './computeFeatures.ts'
import { syntheticBars } from './syntheticBars.ts'

const n = Number(process.argv[2] ?? 525_600)
const set = process.argv[3] ?? 'standard'
const timeZone = process.argv[4] ?? 'America/Chicago'
const bars = syntheticBars(n, 7)
computeFeatures(bars, set, { timeZone })
const times: number[] = []
let cols = 0
for (let r = 0; r < 7; r++) {
  const t0 = process.hrtime.bigint()
  const out = computeFeatures(bars, set, { timeZone })
  times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  cols = out.names.length
}
times.sort((a, b) => a - b)
const med = times[times.length >> 1]
console.log(`set=${set} tz=${timeZone} bars=${n} columns=${cols}: median ${med.toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)}) → ${((n / med) * 1000 / 1e6).toFixed(2)}M bars/s`)
