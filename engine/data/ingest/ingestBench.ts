// Quick benchmark, not a test: ingest and validate throughput and peak RSS on the BTC sample.
//   node --import tsx engine/data/ingest/ingestBench.ts [file.csv.gz] [symbol]
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { validateBars } from '../validate/validateBars.ts'
import { ingestCsv } from './ingestCsv.ts'

const file = process.argv[2] ?? new URL('../../../../shared/data/btcusdt_binance_spot_1m_2024-12_2025-11.csv.gz', import.meta.url).pathname
const symbol = process.argv[3] ?? 'BTCUSDT'
const REPS = 5

async function inflateOnly(): Promise<number> {
  const t = performance.now()
  let n = 0
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }))) n += (c as Buffer).length
  void n
  return (performance.now() - t) / 1000
}

const rssBefore = process.memoryUsage().rss
let best = Infinity
let rows = 0
let parsed = await ingestCsv(file)
validateBars(parsed, { instrument: symbol, barSize: '1m', policy: { checks: { gaps: 'warn', outside_session: 'warn' } } })
const peakFirstKb = process.resourceUsage().maxRSS
for (let r = 0; r < REPS; r++) {
  const t = performance.now()
  parsed = await ingestCsv(file)
  best = Math.min(best, (performance.now() - t) / 1000)
  rows = parsed.bars.length
}
let inflate = Infinity
for (let r = 0; r < REPS; r++) inflate = Math.min(inflate, await inflateOnly())
let vbest = Infinity
for (let r = 0; r < REPS + 2; r++) {
  const t = performance.now()
  validateBars(parsed, { instrument: symbol, barSize: '1m', policy: { checks: { gaps: 'warn', outside_session: 'warn' } } })
  vbest = Math.min(vbest, (performance.now() - t) / 1000)
}
const peakKb = process.resourceUsage().maxRSS
console.log(
  JSON.stringify(
    {
      file,
      rows,
      ingest_s: +best.toFixed(3),
      ingest_rows_per_s: Math.round(rows / best),
      inflate_only_s: +inflate.toFixed(3),
      validate_s: +vbest.toFixed(4),
      validate_rows_per_s: Math.round(rows / vbest),
      rss_before_mb: Math.round(rssBefore / 2 ** 20),
      peak_rss_after_first_ingest_validate_mb: Math.round(peakFirstKb / 1024),
      peak_rss_after_all_reps_mb: Math.round(peakKb / 1024),
      bars_mb: Math.round((rows * (6 * 8 + 4)) / 2 ** 20),
    },
    null,
    2,
  ),
)
