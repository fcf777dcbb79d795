import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import type { Command } from './command.ts'
import { DATA_FILE_OPTIONS, DATA_FILE_USAGE, ingestOptionsFrom, validationConfigFrom } from './dataOptions.ts'
import { FactoryError } from '../contracts/errors.ts'
import { runDataStage } from '../data/stage/dataStage.ts'
import { writeColumnsCsv, type CsvColumn } from '../data/csvWrite.ts'
import { formatBarSize } from '../data/bars.ts'

export const dataStageCommand: Command = {
  path: ['data', 'stage'],
  summary: 'run the whole data stage (validate → resample → features → labels → purged splits + audit → regimes) and report per-stage timings; --out exports features, labels and regimes',
  usage: `factory data stage FILE --instrument SYM [--config pipeline.yaml] [--features SET] [--resample-to 5m] [--folds K] [--no-regime] [--out FILE.csv[.gz]] ${DATA_FILE_USAGE} [--json]`,
  options: {
    ...DATA_FILE_OPTIONS,
    config: { type: 'string' },
    features: { type: 'string' },
    'resample-to': { type: 'string' },
    folds: { type: 'string' },
    'no-regime': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
  positionals: [1, 1],
  async run(ctx) {
    const v = ctx.values
    const file = ctx.positionals[0]
    let cfg: Record<string, unknown> = {}
    if (v.config !== undefined) {
      const path = String(v.config)
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch {
        throw new FactoryError('E_FILE_NOT_FOUND', `config file not found: ${path}`, { file: path })
      }
      try {
        cfg = (parseYaml(text) ?? {}) as Record<string, unknown>
      } catch (e) {
        const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0]
        throw new FactoryError('E_CONFIG', `${path}${pos ? `:${pos.line}:${pos.col}` : ''}: ${(e as Error).message.split('\n')[0]}`, { file: path, ...(pos ? { line: pos.line, column: pos.col } : {}) })
      }
    }
    const data: Record<string, unknown> = { ...((cfg.data as Record<string, unknown>) ?? {}), ...ingestOptionsFrom(v), file }
    if (v.instrument !== undefined) data.instrument = String(v.instrument)
    if (data.instrument === undefined) throw new FactoryError('E_USAGE', 'factory data stage needs --instrument (or data.instrument in --config)', { path: '--instrument' })
    if (v['resample-to'] !== undefined) data.resample_to = String(v['resample-to'])
    if (v['default-policy'] !== undefined || v.policy !== undefined || data.validation === undefined) data.validation = validationConfigFrom(v, 'raise')
    const config = {
      ...cfg,
      data,
      ...(v.features !== undefined ? { features: String(v.features) } : {}),
      ...(v.folds !== undefined ? { splits: { ...((cfg.splits as object) ?? {}), folds: Number(v.folds) } } : {}),
      ...(v['no-regime'] ? { regime: false } : {}),
    }
    const r = await runDataStage(config, { signal: ctx.signal, onProgress: (s, f) => ctx.progress(s, f) })

    let up = 0, down = 0, flat = 0, valid = 0
    for (let i = 0; i < r.bars.length; i++) {
      if (!r.labels.valid[i]) continue
      valid++
      if (r.labels.label[i] > 0) up++
      else if (r.labels.label[i] < 0) down++
      else flat++
    }
    const occupancy = r.regimes ? stateOccupancy(r.regimes.probs, r.regimes.states) : null
    let written = null
    if (v.out !== undefined) {
      const cols: CsvColumn[] = [{ name: 'timestamp', values: r.bars.ts, format: 'iso' }]
      r.features.names.forEach((name, j) => cols.push({ name, values: r.features.columns[j] }))
      const lab = Float64Array.from(r.labels.label, (x, i) => (r.labels.valid[i] ? x : NaN))
      cols.push({ name: 'label', values: lab }, { name: 'label_end', values: r.labels.labelEnd }, { name: 'forward_return', values: r.forwardReturn })
      if (r.regimes) cols.push({ name: 'regime_score', values: r.regimes.regimeScore })
      written = await writeColumnsCsv(String(v.out), cols, { signal: ctx.signal })
    }
    const summary = {
      file,
      instrument: r.instrument.symbol,
      bars: r.bars.length,
      barSize: formatBarSize(r.barMs),
      features: { count: r.features.names.length, warmup: r.features.warmup, names: r.features.names },
      labels: { config: r.labelConfig, valid, up, down, flat, search: r.labelSearch ? { best: r.labelSearch.best, objective: r.labelSearch.objective } : null },
      splits: { kind: r.splits.kind, settings: r.splits.settings, development: r.splits.development, finalTest: r.splits.finalTest, folds: r.splits.folds.map((f) => ({ fold: f.fold, test: f.test, trainCount: f.trainCount, purged: f.purged, embargoed: f.embargoed })) },
      audit: { ok: r.audit.ok, checked: r.audit.checked, violations: r.audit.violationCount },
      regimes: r.regimes ? { states: r.regimes.states, fittedOn: r.regimes.fittedOn, occupancy } : null,
      validation: { raised: r.report.raised, warnings: Object.values(r.report.checks).filter((c) => c.count > 0).map((c) => ({ check: c.check, policy: c.policy, count: c.count })) },
      timings: r.timings,
      written,
    }
    ctx.say(`${file}: ${r.bars.length} bars of ${summary.barSize} (${r.instrument.symbol})`)
    for (const w of summary.validation.warnings) ctx.say(`  validation ${w.policy}: ${w.check} × ${w.count}`)
    ctx.say(`  features: ${summary.features.count} columns, warm-up ${summary.features.warmup} bars`)
    ctx.say(`  labels: ${valid} valid — +1 ${up}, −1 ${down}, 0 ${flat} (k_up ${r.labelConfig.k_up}, k_down ${r.labelConfig.k_down}, horizon ${r.labelConfig.horizon}, cost ${r.labelConfig.cost_ticks} ticks)`)
    ctx.say(`  splits: ${r.splits.folds.length} ${r.splits.kind} folds, final test [${r.splits.finalTest.start}, ${r.splits.finalTest.end}); audit ${r.audit.ok ? 'ok' : 'FAILED'} (${r.audit.checked} training samples checked)`)
    if (occupancy) ctx.say(`  regimes: ${r.regimes!.states} states fitted on bars [0, ${r.regimes!.fittedOn.end}); mean filtered occupancy ${occupancy.map((p) => p.toFixed(2)).join(' / ')}`)
    ctx.say(`  timings: ${r.timings.map((t) => `${t.stage} ${t.seconds.toFixed(2)} s`).join(', ')}`)
    if (written) ctx.say(`  wrote ${written.rows} rows to ${written.path}`)
    return summary
  },
}

function stateOccupancy(probs: Float64Array, K: number): number[] {
  const s = new Array<number>(K).fill(0)
  let n = 0
  for (let i = 0; i + K <= probs.length; i += K) {
    if (Number.isNaN(probs[i])) continue
    for (let k = 0; k < K; k++) s[k] += probs[i + k]
    n++
  }
  return s.map((x) => (n ? x / n : 0))
}
