/**
 * Findings are the common currency of ingest and validation: every problem found in a data file
 * becomes one, named by check, file, line, column and raw value, so a message can point the user at
 * the exact cell. Counting is unbounded but only the first few examples per check are kept, so a
 * file with a million bad rows costs a counter, not a million objects.
 */

export const CHECK_NAMES = [
  'unparseable',
  'nan_or_empty',
  'non_positive_price',
  'high_below_low',
  'open_close_outside_range',
  'zero_volume',
  'outside_session',
  'unsorted',
  'duplicate_timestamp',
  'gaps',
  'outsized_jump',
] as const

export type CheckName = (typeof CHECK_NAMES)[number]

export const POLICIES = ['raise', 'warn', 'drop'] as const
export type Policy = (typeof POLICIES)[number]

export interface Finding {
  check: CheckName
  file: string
  /** 1-based line in the source file */
  line: number
  column?: string
  /** the offending value as text (raw text for unparseable cells) */
  value: string
  /** what is wrong, without the location prefix (see formatFinding) */
  message: string
}

export const DEFAULT_MAX_EXAMPLES = 20

/** Count of one check's findings plus the first `cap` of them. */
export class FindingLog {
  count = 0
  readonly examples: Finding[] = []
  constructor(
    readonly check: CheckName,
    readonly cap = DEFAULT_MAX_EXAMPLES,
  ) {}

  /** Counts one finding; true when the caller should build and `keep` the example (hot loops skip the allocation otherwise). */
  hit(): boolean {
    this.count++
    return this.examples.length < this.cap
  }

  keep(f: Omit<Finding, 'check'>): void {
    this.examples.push({ check: this.check, ...f })
  }

  add(f: Omit<Finding, 'check'>): void {
    if (this.hit()) this.keep(f)
  }
}

/** "file.csv:12 column 'high' value '4' is below low 5" — the one phrasing used in reports and errors. */
export function formatFinding(f: Finding): string {
  const col = f.column !== undefined ? ` column '${f.column}'` : ''
  return `${f.file}:${f.line}${col} ${f.message}`
}

/** Number as text for messages: shortest round-trip form, so '4.0' in a file shows as '4'. */
export function showNumber(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v)
}

export function isoUtc(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : String(ms)
}
