import type { Command } from './command.ts'
import { choiceOption, numberOption } from './command.ts'
import { splitsSummary, SUMMARY_MODES, DEFAULT_HORIZON, type SummaryMode } from '../data/splits/index.ts'
import { DEFAULT_EMBARGO, DEFAULT_PURGE, DEFAULT_TEST_FRACTION } from '../data/splits/spec.ts'
import type { IndexRange } from '../data/splits/spec.ts'

const fmt = (r: IndexRange) => `[${r.start}, ${r.end})`

export const splitsCommand: Command = {
  path: ['splits'],
  summary: 'print purged walk-forward (or CPCV) train/test index ranges and their leakage audit',
  usage:
    'factory splits --bars N --folds K [--purge P] [--embargo E] [--mode expanding|rolling|cpcv] [--horizon H] [--test-fraction F | --test-bars B] [--train-bars T] [--test-groups k] [--json]',
  options: {
    bars: { type: 'string' },
    folds: { type: 'string' },
    purge: { type: 'string' },
    embargo: { type: 'string' },
    mode: { type: 'string' },
    horizon: { type: 'string' },
    'test-fraction': { type: 'string' },
    'test-bars': { type: 'string' },
    'train-bars': { type: 'string' },
    'test-groups': { type: 'string' },
  },
  async run(ctx) {
    const v = ctx.values
    const mode = choiceOption<SummaryMode>(v, 'mode', SUMMARY_MODES, 'expanding')
    const s = splitsSummary({
      bars: numberOption(v, 'bars', undefined, { integer: true, min: 1 }),
      folds: numberOption(v, 'folds', undefined, { integer: true, min: 1 }),
      purge: numberOption(v, 'purge', DEFAULT_PURGE, { integer: true, min: 0 }),
      embargo: numberOption(v, 'embargo', DEFAULT_EMBARGO, { integer: true, min: 0 }),
      horizon: numberOption(v, 'horizon', DEFAULT_HORIZON, { integer: true, min: 0 }),
      mode,
      ...(v['test-bars'] !== undefined
        ? { test_bars: numberOption(v, 'test-bars', undefined, { integer: true, min: 0 }) }
        : { test_fraction: numberOption(v, 'test-fraction', DEFAULT_TEST_FRACTION, { min: 0, max: 0.9 }) }),
      ...(v['train-bars'] !== undefined ? { train_bars: numberOption(v, 'train-bars', undefined, { integer: true, min: 1 }) } : {}),
      ...(v['test-groups'] !== undefined ? { test_groups: numberOption(v, 'test-groups', undefined, { integer: true, min: 1 }) } : {}),
    })
    ctx.say(`${s.kind} over ${s.bars} bars (horizon ${s.horizon}, purge ${s.settings.purge}, embargo ${s.settings.embargo})`)
    ctx.say(`development ${fmt(s.development)}  gap ${fmt(s.gap)}  final test ${fmt(s.finalTest)} (untouched until evaluation)`)
    for (const f of s.folds) {
      ctx.say(
        `fold ${f.fold}${f.groups ? ` groups ${f.groups.join(',')}` : ''}: test ${f.test.map(fmt).join(' ')} (${f.testCount})  train ${f.train.map(fmt).join(' ')} (${f.trainCount})  purged ${f.purged}  embargoed ${f.embargoed}`,
      )
    }
    if (s.paths) ctx.say(`${s.paths.length} backtest paths`)
    ctx.say(`audit: ${s.audit.ok ? 'ok' : 'FAILED'} — ${s.audit.checked} training samples checked, ${s.audit.violationCount} violations`)
    return s
  },
}
