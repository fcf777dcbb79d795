import type { Command } from './command.ts'
import { numberOption } from './command.ts'
import { FactoryError } from '../contracts/errors.ts'
import { openRunStore } from '../store/index.ts'
import { resolveDbPath } from '../store/paths.ts'
import { existsSync } from 'node:fs'

function openStore(db: unknown) {
  const path = resolveDbPath(db === undefined ? undefined : String(db))
  if (!existsSync(path)) throw new FactoryError('E_FILE_NOT_FOUND', `no run store at ${path}; run \`factory train\` first or pass --db`, { file: path })
  // Opened for writing on purpose: runs left 'running' by a killed process are marked interrupted.
  return { store: openRunStore({ path }), path }
}

const iso = (ms: number | null) => (ms === null ? '–' : new Date(ms).toISOString().replace('.000Z', 'Z'))

export const runsListCommand: Command = {
  path: ['runs', 'list'],
  summary: 'list recorded runs: id, status, name, start, duration, key metrics',
  usage: 'factory runs list [--db FILE] [--limit N] [--json]',
  options: { db: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const { store, path } = openStore(ctx.values.db)
    try {
      const runs = store.listRuns({ limit: numberOption(ctx.values, 'limit', 50, { integer: true, min: 1 }) })
      ctx.say(`${runs.length} run(s) in ${path}`)
      for (const r of runs) {
        const dur = r.startedAt !== null && r.finishedAt !== null ? `${((r.finishedAt - r.startedAt) / 1000).toFixed(1)} s` : '–'
        const oof = (r.summary as { oof?: Record<string, Record<string, Record<string, number | null>>> } | null)?.oof ?? {}
        const aucs = Object.entries(oof).map(([m, o]) => (o.p_up?.auc != null ? `${m} auc ${o.p_up.auc.toFixed(3)}` : null)).filter(Boolean)
        ctx.say(`  #${String(r.id).padEnd(4)} ${r.status.padEnd(11)} ${r.name.padEnd(20)} ${iso(r.startedAt)}  ${dur.padStart(8)}  ${aucs.join(', ')}`)
      }
      return { db: path, runs }
    } finally {
      store.close()
    }
  },
}

export const runsShowCommand: Command = {
  path: ['runs', 'show'],
  summary: 'show one run: record, config, folds and metrics',
  usage: 'factory runs show ID [--db FILE] [--json]',
  options: { db: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const id = Number(ctx.positionals[0])
    if (!Number.isInteger(id) || id < 1) throw new FactoryError('E_USAGE', `run id must be a positive whole number; got '${ctx.positionals[0]}'`, { value: ctx.positionals[0] })
    const { store, path } = openStore(ctx.values.db)
    try {
      const run = store.getRun(id)
      if (!run) {
        const known = store.listRuns({ limit: 20 }).map((r) => r.id)
        throw new FactoryError('E_UNKNOWN_NAME', `no run #${id} in ${path}; recent runs: ${known.length ? known.join(', ') : '(none)'}`, { value: id, valid: known })
      }
      const config = run.configHash ? store.getConfig(run.configHash) : null
      const folds = store.listFolds(id)
      const metrics = store.listMetrics(id)
      ctx.say(`run #${run.id} ${run.name}: ${run.status}, seed ${run.seed}, backend ${run.backend ?? '–'}, started ${iso(run.startedAt)}, finished ${iso(run.finishedAt)}`)
      ctx.say(`  data ${run.dataFingerprint ?? '–'}`)
      if (run.error) ctx.say(`  error [${run.error.code}]: ${run.error.message}`)
      for (const f of folds) ctx.say(`  fold ${f.fold} (${f.role}): test ${f.test.map((r) => `[${r.start}, ${r.end})`).join(' ')}, ${f.train.reduce((s, r) => s + r.end - r.start, 0)} training bars`)
      for (const m of metrics.filter((m) => m.scope !== 'fold')) ctx.say(`  ${m.scope.padEnd(4)} ${String(m.model ?? '').padEnd(10)} ${String(m.output ?? '').padEnd(8)} ${m.name.padEnd(14)} ${Number.isFinite(m.value) ? m.value.toFixed(5) : 'NaN'}`)
      return { db: path, run, config, folds, metrics }
    } finally {
      store.close()
    }
  },
}
