import type { Command } from './command.ts'
import { choiceOption, numberOption, stringOption } from './command.ts'
import { synthBars, SYNTH_KINDS, type SynthKind } from '../data/synthetic/index.ts'
import { writeBarsCsv } from '../data/csvWrite.ts'

export const dataSynthCommand: Command = {
  path: ['data', 'synth'],
  summary: 'write a seeded synthetic 1-minute series: random_walk (null control), planted (known signal) or regime (switching volatility)',
  usage: 'factory data synth --kind random_walk|planted|regime --bars N --seed S --out FILE.csv[.gz] [--json]',
  options: { kind: { type: 'string' }, bars: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const v = ctx.values
    const kind = choiceOption<SynthKind>(v, 'kind', SYNTH_KINDS, 'random_walk')
    const n = numberOption(v, 'bars', undefined, { integer: true, min: 1, max: 50_000_000 })
    const seed = numberOption(v, 'seed', 0, { integer: true, min: 0 })
    const out = stringOption(v, 'out')
    const bars = synthBars({ kind, bars: n, seed } as Parameters<typeof synthBars>[0])
    const w = await writeBarsCsv(out, bars, { signal: ctx.signal })
    ctx.say(`wrote ${w.rows} ${kind} bars (seed ${seed}) to ${w.path} (${(w.bytes / 1e6).toFixed(1)} MB)`)
    return { kind, bars: w.rows, seed, out: w.path, bytes: w.bytes }
  },
}
