import type { Command } from './command.ts'
import { choiceOption } from './command.ts'
import { listAll } from '../plugins.ts'
import { listFeatures } from '../data/features/index.ts'
import { FEATURE_SETS } from '../data/features/featureSets.ts'
import { instrumentNames, INSTRUMENTS } from '../data/calendar/instruments.ts'
import { listParams } from '../contracts/params.ts'

const KINDS = ['all', 'models', 'ensembles', 'inference', 'policies', 'features', 'instruments'] as const
type Kind = (typeof KINDS)[number]

export const listCommand: Command = {
  path: ['list'],
  summary: 'list every registered component (models, ensembles, inference, policies), feature and instrument with its spec',
  usage: `factory list [--kind ${KINDS.join('|')}] [--json]`,
  options: { kind: { type: 'string' } },
  async run(ctx) {
    const kind = choiceOption<Kind>(ctx.values, 'kind', KINDS, 'all')
    const all = listAll()
    const out: Record<string, unknown> = {}
    const want = (k: Kind) => kind === 'all' || kind === k
    for (const k of ['models', 'ensembles', 'inference', 'policies'] as const) {
      if (!want(k)) continue
      out[k] = all[k]
      ctx.say(`${k} (${all[k].length})`)
      for (const s of all[k] as { name: string; description: string; defaults: Parameters<typeof listParams>[0] }[]) {
        const params = listParams(s.defaults).map((p) => `${p.name}=${JSON.stringify(p.default)}`).join(' ')
        ctx.say(`  ${s.name.padEnd(22)} ${s.description}${params ? `\n  ${''.padEnd(22)} ${params}` : ''}`)
      }
    }
    if (want('features')) {
      const f = listFeatures()
      out.features = f
      out.featureSets = Object.fromEntries(Object.entries(FEATURE_SETS).map(([k, v]) => [k, v.map((e) => e.name)]))
      ctx.say(`features (${f.length}); sets: ${Object.keys(FEATURE_SETS).join(', ')}`)
      for (const x of f) ctx.say(`  ${x.name.padEnd(22)} ${x.description}`)
    }
    if (want('instruments')) {
      out.instruments = instrumentNames().map((s) => INSTRUMENTS[s])
      ctx.say(`instruments (${instrumentNames().length})`)
      for (const s of instrumentNames()) {
        const i = INSTRUMENTS[s]
        ctx.say(`  ${s.padEnd(8)} tick ${i.tickSize} = ${i.tickValue} USD, cost ${i.defaultCostTicks} ticks, ${i.calendar} — ${i.description}`)
      }
    }
    return out
  },
}
