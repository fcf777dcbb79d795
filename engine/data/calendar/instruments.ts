import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import { BUILTIN_CALENDARS } from './calendars.ts'
import { createSessionCalendar, type SessionCalendar, type SessionCalendarSpec } from './sessionCalendar.ts'

/**
 * Contract specifications. tick_value is the money value of one tick for one contract (USD).
 * default_cost_ticks is the assumed round-trip cost (half-spread in and out plus fees) in ticks;
 * it prices the triple-barrier labels and the backtest, and a config can override it.
 * BTCUSDT is one coin of Binance spot: tick 0.01 USDT; its default cost (2,000 ticks = 20 USDT per
 * coin round trip, about 2 bp at 100k) approximates a taker fee tier plus spread.
 */
export interface Instrument {
  symbol: string
  description: string
  tickSize: number
  tickValue: number
  defaultCostTicks: number
  calendar: string
  /** price units per 1.0 move in money: tickValue / tickSize */
  pointValue: number
}

type InstrumentRow = Omit<Instrument, 'pointValue'>

const ROWS: InstrumentRow[] = [
  { symbol: 'MES', description: 'Micro E-mini S&P 500 (CME)', tickSize: 0.25, tickValue: 1.25, defaultCostTicks: 2, calendar: 'cme_equity' },
  { symbol: 'ES', description: 'E-mini S&P 500 (CME)', tickSize: 0.25, tickValue: 12.5, defaultCostTicks: 1, calendar: 'cme_equity' },
  { symbol: 'MNQ', description: 'Micro E-mini Nasdaq-100 (CME)', tickSize: 0.25, tickValue: 0.5, defaultCostTicks: 2, calendar: 'cme_equity' },
  { symbol: 'NQ', description: 'E-mini Nasdaq-100 (CME)', tickSize: 0.25, tickValue: 5, defaultCostTicks: 1, calendar: 'cme_equity' },
  { symbol: 'MGC', description: 'Micro Gold (COMEX)', tickSize: 0.1, tickValue: 1, defaultCostTicks: 2, calendar: 'cme_metals' },
  { symbol: 'GC', description: 'Gold (COMEX)', tickSize: 0.1, tickValue: 10, defaultCostTicks: 1, calendar: 'cme_metals' },
  { symbol: '6E', description: 'Euro FX (CME)', tickSize: 0.00005, tickValue: 6.25, defaultCostTicks: 1, calendar: 'cme_fx' },
  { symbol: 'BTCUSDT', description: 'Bitcoin / Tether spot, one coin (Binance)', tickSize: 0.01, tickValue: 0.01, defaultCostTicks: 2000, calendar: 'crypto_24x7' },
]

export const INSTRUMENTS: Readonly<Record<string, Instrument>> = Object.fromEntries(
  ROWS.map((r) => [r.symbol, { ...r, pointValue: r.tickValue / r.tickSize }]),
)

export function instrumentNames(): string[] {
  return Object.keys(INSTRUMENTS)
}

/** A user-defined instrument from config (`data.custom_instrument`). */
export interface CustomInstrumentConfig {
  symbol: string
  description?: string
  tick_size: number
  tick_value: number
  default_cost_ticks?: number
  calendar: string | SessionCalendarSpec
}

export interface ResolvedInstrument extends Instrument {
  sessionCalendar: SessionCalendar
}

export function resolveInstrument(symbol: string, custom?: CustomInstrumentConfig, path = 'data.instrument'): ResolvedInstrument {
  if (custom && custom.symbol === symbol) return resolveCustom(custom, 'data.custom_instrument')
  const inst = INSTRUMENTS[symbol] ?? INSTRUMENTS[symbol.toUpperCase()]
  if (!inst) {
    const known = instrumentNames()
    throw new FactoryError('E_INSTRUMENT', `${unknownNameMessage('instrument', symbol, known)} (or define data.custom_instrument)`, { path, value: symbol, valid: known })
  }
  return { ...inst, sessionCalendar: createSessionCalendar(BUILTIN_CALENDARS[inst.calendar]) }
}

function positive(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new FactoryError('E_PARAM', `${path} must be a positive number; got ${JSON.stringify(v)}`, { path, value: v })
  }
  return v
}

function resolveCustom(c: CustomInstrumentConfig, path: string): ResolvedInstrument {
  const tickSize = positive(c.tick_size, `${path}.tick_size`)
  const tickValue = positive(c.tick_value, `${path}.tick_value`)
  const cost = c.default_cost_ticks === undefined ? 1 : c.default_cost_ticks
  if (typeof cost !== 'number' || !(cost >= 0)) {
    throw new FactoryError('E_PARAM', `${path}.default_cost_ticks must be a number ≥ 0; got ${JSON.stringify(cost)}`, { path: `${path}.default_cost_ticks`, value: cost })
  }
  let spec: SessionCalendarSpec
  if (typeof c.calendar === 'string') {
    const known = Object.keys(BUILTIN_CALENDARS)
    const s = BUILTIN_CALENDARS[c.calendar]
    if (!s) throw new FactoryError('E_CONFIG', unknownNameMessage('calendar', c.calendar, known), { path: `${path}.calendar`, value: c.calendar, valid: known })
    spec = s
  } else spec = c.calendar
  return {
    symbol: c.symbol,
    description: c.description ?? 'custom instrument',
    tickSize,
    tickValue,
    defaultCostTicks: cost,
    calendar: typeof c.calendar === 'string' ? c.calendar : c.calendar.name,
    pointValue: tickValue / tickSize,
    sessionCalendar: createSessionCalendar(spec, `${path}.calendar`),
  }
}
