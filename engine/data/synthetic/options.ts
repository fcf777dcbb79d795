import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import { parseBarSize } from '../bars.ts'

/**
 * Options shared by every synthetic generator, their defaults, and the checks that turn a bad
 * value into a FactoryError naming the field and what is allowed. Generators receive resolved
 * (validated, defaulted) options only.
 */

export type SynthKind = 'random_walk' | 'planted' | 'regime'
export const SYNTH_KINDS: readonly SynthKind[] = ['random_walk', 'planted', 'regime']

export const DEFAULT_START = '2024-01-01T00:00:00Z'
export const DEFAULT_START_PRICE = 100
/** Per-bar log-return std: 5 bp a minute is in the range of liquid index futures. */
export const DEFAULT_SIGMA = 0.0005
export const DEFAULT_BASE_VOLUME = 1000
/** Above this a Float64Array column set no longer fits comfortably in one process. */
export const MAX_SYNTH_BARS = 50_000_000

export interface CommonSynthOptions {
  /** number of bars (positive integer) */
  bars: number
  /** RNG seed: the same seed gives the same series, bit for bit */
  seed: number
  /** first bar's open time: ISO-8601 UTC string or epoch ms (default 2024-01-01T00:00:00Z) */
  start?: string | number
  /** bar spacing, e.g. '1m' (default), '5m', '1h'; the grid has no gaps (24×7) */
  barSize?: string
  /** first open price (default 100) */
  startPrice?: number
  /** round prices to this tick (default 0 = no rounding) */
  tickSize?: number
  /** mean volume per bar (default 1000) */
  baseVolume?: number
}

export interface ResolvedCommon {
  bars: number
  seed: number
  startMs: number
  barMs: number
  startPrice: number
  tickSize: number
  baseVolume: number
}

export const COMMON_FIELDS = ['bars', 'seed', 'start', 'barSize', 'startPrice', 'tickSize', 'baseVolume'] as const

interface NumberRule {
  min?: number
  max?: number
  /** strict lower bound (value must exceed it) */
  above?: number
  integer?: boolean
}

/** Validates one numeric option; `path` is the field name the message and details carry. */
export function checkNumber(path: string, value: unknown, rule: NumberRule): number {
  const bounds: string[] = []
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`)
  if (rule.min !== undefined) bounds.push(`>= ${rule.min}`)
  if (rule.max !== undefined) bounds.push(`<= ${rule.max}`)
  const want = `${rule.integer ? 'an integer' : 'a finite number'}${bounds.length ? ' ' + bounds.join(' and ') : ''}`
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max)
  if (!ok) {
    throw new FactoryError('E_PARAM', `invalid ${path} ${JSON.stringify(value) ?? String(value)}: must be ${want}`, {
      path,
      value,
      valid: [want],
    })
  }
  return value as number
}

function resolveStart(value: unknown): number {
  if (value === undefined) return Date.parse(DEFAULT_START)
  if (typeof value === 'number') return checkNumber('start', value, { integer: true })
  // Only explicit UTC forms: a local-time string would make the grid depend on the machine.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]00:?00))?$/.test(value)) {
    const ms = Date.parse(value.length === 10 ? value + 'T00:00:00Z' : value)
    if (Number.isFinite(ms)) return ms
  }
  throw new FactoryError('E_PARAM', `invalid start ${JSON.stringify(value)}: use an ISO-8601 UTC time like 2024-01-01T00:00:00Z or epoch milliseconds`, {
    path: 'start',
    value,
    valid: ['YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SSZ', 'epoch ms'],
  })
}

export function resolveCommon(o: CommonSynthOptions): ResolvedCommon {
  return {
    bars: checkNumber('bars', o.bars, { integer: true, min: 1, max: MAX_SYNTH_BARS }),
    seed: checkNumber('seed', o.seed, { integer: true, min: 0, max: 0xffffffff }),
    startMs: resolveStart(o.start),
    barMs: parseBarSize(o.barSize ?? '1m', 'barSize'),
    startPrice: checkNumber('startPrice', o.startPrice ?? DEFAULT_START_PRICE, { above: 0 }),
    tickSize: checkNumber('tickSize', o.tickSize ?? 0, { min: 0 }),
    baseVolume: checkNumber('baseVolume', o.baseVolume ?? DEFAULT_BASE_VOLUME, { min: 1 }),
  }
}

/** Rejects fields a generator does not know, so a typo ('sigam') is not silently ignored. */
export function rejectUnknownFields(kind: string, o: object, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      throw new FactoryError('E_PARAM', `${unknownNameMessage(`option for synthetic '${kind}'`, key, known)}`, {
        path: key,
        value: key,
        valid: known,
      })
    }
  }
}
