import type { Command } from './command.ts'
import { choiceOption, numberOption, stringOption } from './command.ts'
import '../plugins.ts'
import { loadPipelineFile } from '../pipeline/config/index.ts'
import { runPipeline, type RunResult } from '../pipeline/runner/index.ts'
import { openRunStore } from '../store/index.ts'
import { resolveDbPath } from '../store/paths.ts'
import { DEVICES, type Device } from '../pipeline/config/types.ts'

export const trainCommand: Command = {
  path: ['train'],
  summary: 'validate a pipeline config, run it (purged walk-forward → OOF → final refit → test metrics) and record the run in the store',
  usage: 'factory train --config FILE.yaml [--data FILE] [--db FILE] [--seed N] [--device auto|gpu|cpu] [--json]',
  options: { config: { type: 'string' }, data: { type: 'string' }, db: { type: 'string' }, seed: { type: 'string' }, device: { type: 'string' } },
  async run(ctx) {
    const v = ctx.values
    // Validate everything (YAML, schema, params, compatibility, data file exists) before opening the store.
    const parsed = loadPipelineFile(stringOption(v, 'config'), v.data !== undefined ? { dataFile: String(v.data) } : {})
    const config = { ...parsed.config }
    if (v.data !== undefined) config.data = { ...config.data, file: String(v.data) }
    if (v.seed !== undefined) config.seed = numberOption(v, 'seed', undefined, { integer: true, min: 0, max: 0xffffffff })
    if (v.device !== undefined) config.device = choiceOption<Device>(v, 'device', DEVICES, 'auto')
    const dbPath = resolveDbPath(v.db === undefined ? undefined : String(v.db))
    const store = openRunStore({ path: dbPath })
    let result: RunResult
    try {
      result = await runPipeline(config, {
        store,
        configYaml: parsed.text,
        signal: ctx.signal,
        onEvent: (e) => {
          if (e.type === 'progress') ctx.progress(`${e.stage}${e.fold !== undefined ? ` fold ${e.fold}` : ''}${e.model ? ` ${e.model}` : ''}`, e.fraction)
          else if (e.type === 'run' && e.runId !== null && e.status === 'running') ctx.say(`run ${e.runId} started (${dbPath})`)
        },
      })
    } finally {
      store.close()
    }
    const s = result.summary as { oof?: Record<string, Record<string, Record<string, number | null>>>; test?: Record<string, Record<string, Record<string, number | null>>> }
    ctx.say(`run ${result.runId} finished: ${result.n} bars, ${result.folds.filter((f) => f.role === 'cv').length} folds, models ${result.models.map((m) => m.id).join(', ')}`)
    for (const scope of ['oof', 'test'] as const) {
      for (const [model, outs] of Object.entries(s[scope] ?? {})) {
        for (const [out, m] of Object.entries(outs)) {
          const keys = ['auc', 'log_loss', 'brier', 'ece', 'mae', 'ic', 'coverage_90'].filter((k) => m[k] !== undefined && m[k] !== null)
          if (keys.length) ctx.say(`  ${scope.padEnd(4)} ${model.padEnd(10)} ${out.padEnd(8)} ${keys.map((k) => `${k} ${m[k]!.toFixed(4)}`).join('  ')}`)
        }
      }
    }
    ctx.say(`  timings: ${result.timings.map((t) => `${t.stage} ${t.seconds.toFixed(2)} s`).join(', ')}`)
    return { runId: result.runId, db: dbPath, summary: result.summary, timings: result.timings, dataTimings: result.dataTimings }
  },
}
