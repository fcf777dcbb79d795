import type { Bars } from '../bars.ts'
import type { Finding } from '../validate/findings.ts'
import type { EpochUnit } from './parseTimestamp.ts'

export type BarField = 'timestamp' | 'open' | 'high' | 'low' | 'close' | 'volume'
export const BAR_FIELDS: readonly BarField[] = ['timestamp', 'open', 'high', 'low', 'close', 'volume']

/** The `data:` options of a CSV source, spelled as in the YAML config. */
export interface IngestOptions {
  /** header name (case-insensitive) or 0-based index per field; defaults to the field names and common aliases */
  columns?: Partial<Record<BarField, string | number>>
  /** default true; without a header, columns must be indices (default 0..5 in field order) */
  has_header?: boolean
  /** ',' (default), ';', '\t' (or 'tab'), '|' */
  delimiter?: string
  /** 'auto' (default: ISO if the value looks like YYYY-…, else epoch), 'iso' or 'epoch' */
  timestamp_format?: 'auto' | 'iso' | 'epoch'
  /** unit of epoch timestamps; default 'auto' (by digit count, see parseTimestamp.ts) */
  epoch_unit?: EpochUnit
  /** IANA zone of timestamps that carry no offset (ISO without Z/±HH:MM); default UTC. Epochs are always UTC. */
  timezone?: string
  /** what each stamp marks: the bar's 'open' (default) or 'close' time; 'close' shifts back by bar_size */
  timestamp_is?: 'open' | 'close'
  /** bar length ('1m', '5m', '1h' or ms); required with timestamp_is: close */
  bar_size?: string | number
  /** examples kept per check (all are counted); default 20 */
  max_examples?: number
  /** config path prefix for error messages; default 'data' */
  path?: string
}

export interface IngestStats {
  file: string
  /** size of the file on disk */
  bytes: number
  compressed: boolean
  /** lines seen, including header and blank lines */
  lines: number
  blankLines: number
  /** rows that became bars */
  bars: number
  /** rows that could not be parsed (all counted; see rawFindings for examples) */
  unparseableRows: number
  header: string[] | null
  /** which source column feeds each field (0-based) */
  columnIndex: Record<BarField, number>
  seconds: number
  rowsPerSecond: number
  notes: string[]
}

export interface IngestResult {
  /** parsed rows in file order (not yet checked: may be unsorted, duplicated, NaN …); `line` is set */
  bars: Bars
  /** `unparseable` findings, first max_examples of stats.unparseableRows */
  rawFindings: Finding[]
  stats: IngestStats
}

export type ProgressFn = (fraction: number) => void
