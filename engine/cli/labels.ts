import type { Command } from './command.ts'
import { numberOption } from './command.ts'
import { DATA_FILE_OPTIONS, DATA_FILE_USAGE, ingestOptionsFrom, validationConfigFrom } from './dataOptions.ts'
import { FactoryError } from '../contracts/errors.ts'
import { loadValidatedBars } from '../data/validate/loadValidated.ts'
import { resolveInstrument } from '../data/calendar/instruments.ts'
import { validateLabelConfig } from '../data/labels/labelConfig.ts'
import { tripleBarrierLabels } from '../data/labels/tripleBarrier.ts'
import { writeColumnsCsv } from '../data/csvWrite.ts'

export const labelsCommand: Command = {
  path: ['labels'],
  summary: 'triple-barrier labels with costs for an OHLCV file; --out writes timestamp,label,touch_offset (invalid rows omitted)',
  usage: `factory labels FILE --instrument SYM [--k-up 2] [--k-down 2] [--horizon 60] [--atr-period 14] [--cost-ticks N] [--timeout-label zero|sign] [--out FILE.csv[.gz]] ${DATA_FILE_USAGE} [--json]`,
  options: {
    ...DATA_FILE_OPTIONS,
    'k-up': { type: 'string' },
    'k-down': { type: 'string' },
    horizon: { type: 'string' },
    'atr-period': { type: 'string' },
    'cost-ticks': { type: 'string' },
    'timeout-label': { type: 'string' },
    out: { type: 'string' },
  },
  positionals: [1, 1],
  async run(ctx) {
    const v = ctx.values
    if (v.instrument === undefined) throw new FactoryError('E_USAGE', 'factory labels needs --instrument (it sets tick size, default cost and session calendar)', { path: '--instrument' })
    const instrument = resolveInstrument(String(v.instrument), undefined, '--instrument')
    // Everything is parsed and validated before the file is read, and the file before anything is written.
    const raw: Record<string, unknown> = {}
    const num = (flag: string, key: string, integer = false) => {
      if (v[flag] !== undefined) raw[key] = numberOption(v, flag, undefined, { integer })
    }
    num('k-up', 'k_up')
    num('k-down', 'k_down')
    num('horizon', 'horizon', true)
    num('atr-period', 'atr_period', true)
    num('cost-ticks', 'cost_ticks')
    if (v['timeout-label'] !== undefined) raw.timeout_label = String(v['timeout-label'])
    const cfg = validateLabelConfig(raw, 'labels', instrument)
    const { bars } = await loadValidatedBars(
      ctx.positionals[0],
      { data: ingestOptionsFrom(v), validation: { policy: validationConfigFrom(v, 'raise'), instrument } },
      ctx.signal,
      (f) => ctx.progress('ingest', f),
    )
    const lab = tripleBarrierLabels(bars, cfg, instrument.tickSize)
    let nValid = 0, up = 0, down = 0, flat = 0, hold = 0
    for (let i = 0; i < bars.length; i++) {
      if (!lab.valid[i]) continue
      nValid++
      hold += lab.touchOffset[i]
      if (lab.label[i] > 0) up++
      else if (lab.label[i] < 0) down++
      else flat++
    }
    const counts = { valid: nValid, invalid: bars.length - nValid, up, down, timeout_or_flat: flat, meanTouchOffset: nValid ? hold / nValid : null }
    let written = null
    if (v.out !== undefined) {
      const idx: number[] = []
      for (let i = 0; i < bars.length; i++) if (lab.valid[i]) idx.push(i)
      const pick = <T extends ArrayLike<number>>(a: T) => Float64Array.from(idx, (i) => a[i])
      written = await writeColumnsCsv(
        String(v.out),
        [
          { name: 'timestamp', values: pick(bars.ts), format: 'iso' },
          { name: 'label', values: pick(lab.label) },
          { name: 'touch_offset', values: pick(lab.touchOffset) },
        ],
        { signal: ctx.signal },
      )
    }
    const pct = (x: number) => (nValid ? ((100 * x) / nValid).toFixed(1) : '0') + '%'
    ctx.say(`${bars.length} bars, ${nValid} labelled: +1 ${up} (${pct(up)}), −1 ${down} (${pct(down)}), 0 ${flat} (${pct(flat)}); mean touch offset ${counts.meanTouchOffset?.toFixed(1) ?? '–'} bars`)
    ctx.say(`barriers: k_up ${cfg.k_up}, k_down ${cfg.k_down} × Wilder ATR(${cfg.atr_period}), horizon ${cfg.horizon}, cost ${cfg.cost_ticks} ticks × ${instrument.tickSize}; timeout → ${cfg.timeout_label}`)
    if (written) ctx.say(`wrote ${written.rows} rows to ${written.path}`)
    return { instrument: instrument.symbol, config: { k_up: cfg.k_up, k_down: cfg.k_down, horizon: cfg.horizon, atr_period: cfg.atr_period, cost_ticks: cfg.cost_ticks, timeout_label: cfg.timeout_label }, counts, written }
  },
}
