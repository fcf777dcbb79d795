// npm run bench:data [-- --json] [--bars 2000000] [--btc PATH]
// The whole data stage (ingest+validate → features → labels → splits+audit → regimes) on the
// 525,600-bar BTC/USDT year from ../shared/data and on a 2M-bar synthetic file, each in its own
// process so peak RSS is per dataset. Goals (issue 2): ≥ 1M bars/s for ingest and features, whole
// stage on the BTC file < 5 s, RSS < 1 GB.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { printTable } from './benchTable.ts'

const args = process.argv.slice(2)
const json = args.includes('--json')
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}

interface ChildResult {
  dataset: string
  bars: number
  totalSeconds: number
  peakRssMB: number
  timings: { stage: string; seconds: number; barsPerSecond: number }[]
}

if (args[0] === '--child') {
  const { runDataStage } = await import('../data/stage/dataStage.ts')
  const [, file, instrument, dataset] = args
  const t0 = performance.now()
  const r = await runDataStage({
    data: { file, instrument, validation: { checks: { gaps: 'warn' } } },
    features: 'standard',
    labels: { horizon: 60 },
    splits: { folds: 5 },
  })
  const out: ChildResult = {
    dataset,
    bars: r.bars.length,
    totalSeconds: (performance.now() - t0) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    timings: r.timings,
  }
  process.stdout.write(JSON.stringify(out))
  process.exit(0)
}

const root = resolve(import.meta.dirname, '../..')
const btc = resolve(opt('btc', join(root, '../shared/data/btcusdt_binance_spot_1m_2024-12_2025-11.csv.gz')))
const synthBars = Number(opt('bars', '2000000'))
const datasets: { name: string; file: string; instrument: string }[] = []
if (existsSync(btc)) datasets.push({ name: 'BTCUSDT 1m (525,600 bars)', file: btc, instrument: 'BTCUSDT' })
else console.error(`skipping BTC: ${btc} not found (it lives in ../shared/data, never in this repository)`)

const tmp = mkdtempSync(join(tmpdir(), 'bench-data-'))
try {
  const { synthBars: synth } = await import('../data/synthetic/index.ts')
  const { writeBarsCsv } = await import('../data/csvWrite.ts')
  const synthFile = join(tmp, 'synthetic.csv.gz')
  await writeBarsCsv(synthFile, synth({ kind: 'random_walk', bars: synthBars, seed: 1, startPrice: 50_000, tickSize: 0.01 }))
  datasets.push({ name: `synthetic random walk (${synthBars.toLocaleString('en')} bars)`, file: synthFile, instrument: 'BTCUSDT' })

  const results: ChildResult[] = []
  for (const d of datasets) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', d.file, d.instrument, d.name], { encoding: 'utf8', maxBuffer: 64 << 20 })
    if (r.status !== 0) throw new Error(`${d.name} failed:\n${r.stderr}`)
    results.push(JSON.parse(r.stdout) as ChildResult)
  }
  if (json) console.log(JSON.stringify({ bench: 'data', results }, null, 2))
  for (const r of results) {
    printTable(
      `${r.dataset}: whole stage ${r.totalSeconds.toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
      r.timings.map((t) => ({ stage: t.stage, seconds: t.seconds, 'bars/s': t.barsPerSecond })),
      json,
    )
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
