// npm run bench:train [-- --json] [--btc PATH] [--config PATH]
// fast_baseline's whole pipeline (data stage → walk-forward folds → final refit → metrics) on the
// 525,600-bar BTC/USDT year from ../shared/data: the preset's models, params, labels and splits,
// with only the data block pointed at the BTC file (instrument BTCUSDT). Runs in a child process so
// peak RSS is the run's own. Goal (issue 3): whole run < 30 s on 2 cores.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { printTable } from './benchTable.ts'

const args = process.argv.slice(2)
const json = args.includes('--json')
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}

interface ChildResult {
  bars: number
  totalSeconds: number
  /** CPU seconds of the run (user + system): steadier than wall time on a shared machine */
  cpuSeconds: number
  peakRssMB: number
  stages: { stage: string; seconds: number }[]
  dataStages: { stage: string; seconds: number; barsPerSecond: number }[]
  /** fit seconds per model and unit (fold number or 'final'), from the runner's unit logs */
  fits: { model: string; unit: string; trainRows: number; seconds: number }[]
  auc: { model: string; scope: string; fold: number | null; value: number }[]
}

// The runner reports each unit's fit time only in its log line; this is the line's format
// (runPipeline.ts logUnit). A format change leaves the per-model table empty, not wrong.
const UNIT_LOG = /^(fold (\d+)|final refit), model '([^']+)': (\d+) training rows.*, fit ([\d.]+) s$/

if (args[0] === '--child') {
  const [, configFile, file] = args
  const { parseDocument } = await import('yaml')
  await import('../models/index.ts')
  const { parsePipelineYaml } = await import('../pipeline/config/index.ts')
  const { runPipeline } = await import('../pipeline/runner/index.ts')
  const doc = parseDocument(readFileSync(configFile, 'utf8'))
  doc.setIn(['data', 'file'], file)
  doc.setIn(['data', 'instrument'], 'BTCUSDT')
  const { config, text } = parsePipelineYaml(String(doc), configFile)
  const fits: ChildResult['fits'] = []
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const r = await runPipeline(config, {
    configYaml: text,
    onEvent: (e) => {
      if (e.type !== 'log') return
      const m = UNIT_LOG.exec(e.message)
      if (m) fits.push({ model: m[3], unit: m[2] ?? 'final', trainRows: Number(m[4]), seconds: Number(m[5]) })
    },
  })
  const out: ChildResult = {
    bars: r.n,
    totalSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: ((c => c.user + c.system)(process.cpuUsage(c0))) / 1e6,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    stages: r.timings,
    dataStages: r.dataTimings,
    fits,
    auc: r.metrics.filter((m) => m.output === 'p_up' && m.name === 'auc').map((m) => ({ model: m.model ?? '', scope: m.scope, fold: m.fold, value: m.value })),
  }
  process.stdout.write(JSON.stringify(out))
  process.exit(0)
}

const root = resolve(import.meta.dirname, '../..')
const btc = resolve(opt('btc', join(root, '../shared/data/btcusdt_binance_spot_1m_2024-12_2025-11.csv.gz')))
const configFile = resolve(root, opt('config', 'configs/presets/fast_baseline.yaml'))
if (!existsSync(btc)) {
  console.error(`skipping bench:train: ${btc} not found (it lives in ../shared/data, never in this repository)`)
  process.exit(0)
}

// cwd = the repo root: tsx resolves the child's imports from the project's node_modules
const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', configFile, btc], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 << 20,
  stdio: ['ignore', 'pipe', 'inherit'],
})
if (child.status !== 0) {
  console.error(`bench:train failed (exit ${child.status})`)
  process.exit(1)
}
const r = JSON.parse(child.stdout) as ChildResult

if (json) console.log(JSON.stringify({ bench: 'train', config: configFile, data: btc, ...r }, null, 2))
else console.log(`fast_baseline on BTCUSDT 1m (${r.bars.toLocaleString('en')} bars): whole run ${r.totalSeconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(2)} s), peak RSS ${r.peakRssMB.toFixed(0)} MB`)
printTable('runner stages', r.stages.map((s) => ({ stage: s.stage, seconds: s.seconds })), json)
printTable('data sub-stages', r.dataStages.map((s) => ({ stage: s.stage, seconds: s.seconds, 'bars/s': s.barsPerSecond })), json)
const models = [...new Set(r.fits.map((f) => f.model))]
printTable(
  'fit seconds per model (cv folds, then the final refit)',
  r.fits.map((f) => ({ model: f.model, unit: f.unit, 'train rows': f.trainRows, seconds: f.seconds })),
  json,
)
printTable('fit seconds per model, total', models.map((m) => ({ model: m, seconds: r.fits.filter((f) => f.model === m).reduce((a, f) => a + f.seconds, 0) })), json)
printTable(
  'AUC (p_up): out-of-fold and final test',
  r.auc.filter((a) => a.scope !== 'fold').map((a) => ({ model: a.model, scope: a.scope, auc: a.value })),
  json,
)
