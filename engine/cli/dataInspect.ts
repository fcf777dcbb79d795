import type { Command } from './command.ts'
import { DATA_FILE_OPTIONS, DATA_FILE_USAGE, ingestOptionsFrom, validationConfigFrom } from './dataOptions.ts'
import { loadValidatedBars } from '../data/validate/loadValidated.ts'
import { summarizeReport } from '../data/validate/summarize.ts'
import { formatBarSize } from '../data/bars.ts'
import { isoUtc } from '../data/validate/findings.ts'

export const dataInspectCommand: Command = {
  path: ['data', 'inspect'],
  summary: 'ingest and validate an OHLCV file; print the validation report and a summary (every check warns unless --policy says otherwise)',
  usage: `factory data inspect FILE ${DATA_FILE_USAGE} [--json]`,
  options: { ...DATA_FILE_OPTIONS },
  positionals: [1, 1],
  async run(ctx) {
    const file = ctx.positionals[0]
    const instrument = ctx.values.instrument === undefined ? undefined : String(ctx.values.instrument)
    const { bars, report, ingest } = await loadValidatedBars(
      file,
      { data: ingestOptionsFrom(ctx.values), validation: { policy: validationConfigFrom(ctx.values, 'warn'), ...(instrument ? { instrument } : {}) } },
      ctx.signal,
      (f) => ctx.progress('ingest', f),
    )
    let lo = Infinity, hi = -Infinity, vol = 0
    for (let i = 0; i < bars.length; i++) {
      if (bars.low[i] < lo) lo = bars.low[i]
      if (bars.high[i] > hi) hi = bars.high[i]
      vol += bars.volume[i]
    }
    const summary = {
      file,
      instrument: instrument ?? null,
      bars: bars.length,
      first: bars.length ? isoUtc(bars.ts[0]) : null,
      last: bars.length ? isoUtc(bars.ts[bars.length - 1]) : null,
      barSize: formatBarSize(report.barMs),
      priceRange: bars.length ? [lo, hi] : null,
      totalVolume: vol,
      ingest: { seconds: ingest.seconds, rowsPerSecond: ingest.rowsPerSecond, compressed: ingest.compressed, bytes: ingest.bytes },
    }
    ctx.say(`${file}: ${summary.bars} bars ${summary.first} → ${summary.last}, bar ${summary.barSize}, price ${lo} – ${hi}`)
    ctx.say(summarizeReport(report))
    return { summary, report }
  },
}
