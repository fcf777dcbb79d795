import { FactoryError } from '../../contracts/errors.ts'
import { parseBarSize } from '../bars.ts'
import { assertTimeZone, isUtc } from '../calendar/timezone.ts'
import { DEFAULT_MAX_EXAMPLES } from '../validate/findings.ts'
import { EPOCH_UNITS, type EpochUnit } from './parseTimestamp.ts'
import { BAR_FIELDS, type BarField, type IngestOptions } from './types.ts'

export interface ResolvedIngestOptions {
  columns: Partial<Record<BarField, string | number>>
  hasHeader: boolean
  delimiter: number
  timestampFormat: 'auto' | 'iso' | 'epoch'
  epochUnit: EpochUnit
  timezone: string
  utc: boolean
  /** subtracted from every parsed stamp: bar_size when timestamp_is is 'close', else 0 */
  shiftMs: number
  maxExamples: number
  path: string
}

const DELIMITERS: Record<string, number> = { ',': 44, ';': 59, '\t': 9, tab: 9, '|': 124 }
const KNOWN_KEYS = ['columns', 'has_header', 'delimiter', 'timestamp_format', 'epoch_unit', 'timezone', 'timestamp_is', 'bar_size', 'max_examples', 'path']

function choice<T extends string>(value: unknown, valid: readonly T[], path: string, fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (valid as readonly string[]).includes(value)) return value as T
  throw new FactoryError('E_CONFIG', `invalid value ${JSON.stringify(value)} at ${path}; valid: ${valid.join(', ')}`, { path, value, valid })
}

/** Checks every option up front so a typo fails before any byte is read. */
export function resolveIngestOptions(o: IngestOptions = {}): ResolvedIngestOptions {
  const base = o.path ?? 'data'
  for (const k of Object.keys(o)) {
    if (!KNOWN_KEYS.includes(k)) {
      throw new FactoryError('E_CONFIG', `unknown option '${k}' at ${base}.${k}; known: ${KNOWN_KEYS.join(', ')}`, { path: `${base}.${k}`, value: k, valid: KNOWN_KEYS })
    }
  }
  const hasHeader = o.has_header ?? true
  if (typeof hasHeader !== 'boolean') {
    throw new FactoryError('E_CONFIG', `${base}.has_header must be true or false; got ${JSON.stringify(hasHeader)}`, { path: `${base}.has_header`, value: hasHeader, valid: ['true', 'false'] })
  }
  const delimName = o.delimiter ?? ','
  const delimiter = DELIMITERS[delimName]
  if (delimiter === undefined) {
    const valid = [',', ';', '\\t', 'tab', '|']
    throw new FactoryError('E_CONFIG', `invalid delimiter ${JSON.stringify(delimName)} at ${base}.delimiter; valid: ${valid.map((v) => `'${v}'`).join(', ')}`, { path: `${base}.delimiter`, value: delimName, valid })
  }
  const columns = o.columns ?? {}
  for (const [k, v] of Object.entries(columns)) {
    const path = `${base}.columns.${k}`
    if (!(BAR_FIELDS as readonly string[]).includes(k)) {
      throw new FactoryError('E_CONFIG', `unknown column key '${k}' at ${path}; known: ${BAR_FIELDS.join(', ')}`, { path, value: k, valid: BAR_FIELDS })
    }
    const isIndex = typeof v === 'number' && Number.isInteger(v) && v >= 0
    if (!isIndex && !(typeof v === 'string' && v.length > 0)) {
      throw new FactoryError('E_CONFIG', `${path} must be a header name or a 0-based column index; got ${JSON.stringify(v)}`, { path, value: v })
    }
    if (!hasHeader && !isIndex) {
      throw new FactoryError('E_CONFIG', `${path} is the name '${String(v)}' but ${base}.has_header is false; give a 0-based column index`, { path, value: v })
    }
  }
  const timezone = o.timezone ?? 'UTC'
  assertTimeZone(timezone, `${base}.timezone`)
  const timestampIs = choice(o.timestamp_is, ['open', 'close'] as const, `${base}.timestamp_is`, 'open')
  let shiftMs = 0
  if (timestampIs === 'close') {
    if (o.bar_size === undefined) {
      throw new FactoryError('E_CONFIG', `${base}.timestamp_is is 'close' but ${base}.bar_size is not set; the bar size is needed to shift close stamps back to bar open`, { path: `${base}.bar_size` })
    }
    shiftMs = typeof o.bar_size === 'number' ? o.bar_size : parseBarSize(o.bar_size, `${base}.bar_size`)
    if (!(shiftMs > 0)) throw new FactoryError('E_BAR_SIZE', `${base}.bar_size must be positive; got ${o.bar_size}`, { path: `${base}.bar_size`, value: o.bar_size })
  }
  const maxExamples = o.max_examples ?? DEFAULT_MAX_EXAMPLES
  if (!Number.isInteger(maxExamples) || maxExamples < 0) {
    throw new FactoryError('E_CONFIG', `${base}.max_examples must be a whole number ≥ 0; got ${JSON.stringify(maxExamples)}`, { path: `${base}.max_examples`, value: maxExamples })
  }
  return {
    columns,
    hasHeader,
    delimiter,
    timestampFormat: choice(o.timestamp_format, ['auto', 'iso', 'epoch'] as const, `${base}.timestamp_format`, 'auto'),
    epochUnit: choice(o.epoch_unit, EPOCH_UNITS, `${base}.epoch_unit`, 'auto'),
    timezone,
    utc: isUtc(timezone),
    shiftMs,
    maxExamples,
    path: base,
  }
}
