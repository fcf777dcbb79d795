// Every error the engine raises carries a stable code, a message that names the bad value and the
// valid choices, and structured details (file, line, column, config path) so the UI can show it
// where it arose. Errors cross the IPC boundary as {code, message, details}.

export const ERROR_CODES = {
  // input files
  E_FILE_NOT_FOUND: 'file not found',
  E_FILE_FORMAT: 'file format not recognised',
  E_CSV_HEADER: 'CSV header is missing a required column',
  E_CSV_PARSE: 'a row could not be parsed',
  E_TIMESTAMP: 'a timestamp could not be parsed',
  E_TZ_UNKNOWN: 'unknown time zone',
  E_TZ_AMBIGUOUS: 'local time is ambiguous in the source time zone (DST fall-back)',
  E_TZ_NONEXISTENT: 'local time does not exist in the source time zone (DST spring-forward)',
  // data validation
  E_VALIDATION: 'data validation failed',
  E_EMPTY_DATA: 'no bars',
  E_NAN_INPUT: 'input contains NaN or non-finite values',
  // configuration / parameters
  E_CONFIG: 'invalid configuration',
  E_PARAM: 'invalid parameter',
  E_UNKNOWN_NAME: 'unknown name',
  E_INSTRUMENT: 'unknown instrument',
  E_BAR_SIZE: 'invalid bar size',
  E_FEATURE: 'unknown feature or feature set',
  E_SHAPE: 'array shape mismatch',
  E_SPLIT: 'splits cannot be made with these settings',
  E_LEAKAGE: 'a leakage audit failed',
  E_NOT_FITTED: 'component used before fit',
  E_INCOMPATIBLE: 'pipeline parts do not fit together',
  E_STORE: 'run store error',
  E_INTERRUPTED: 'run interrupted (its process ended before the run finished)',
  E_REGISTRY: 'a plug-in registration is invalid (duplicate name or malformed spec)',
  E_CANCELLED: 'cancelled',
  E_NATIVE_LIBRARY: 'a native library (e.g. libxgboost) could not be loaded',
  E_IO: 'could not write output',
  E_USAGE: 'command-line usage error',
  E_INTERNAL: 'unexpected internal error (a bug: the message names where it happened)',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export interface ErrorDetails {
  file?: string
  line?: number
  column?: string | number
  /** dotted config path, e.g. `labels.k_up` */
  path?: string
  value?: unknown
  valid?: readonly (string | number)[]
  [key: string]: unknown
}

export class FactoryError extends Error {
  readonly code: ErrorCode
  readonly details: ErrorDetails
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message)
    this.name = 'FactoryError'
    this.code = code
    this.details = details
  }
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: this.details }
  }
}

export interface SerializedError {
  code: ErrorCode
  message: string
  details: ErrorDetails
}

/** "unknown x 'foo'; known: a, b, c" — the one phrasing used for every closed-set lookup. */
export function unknownNameMessage(kind: string, value: string, known: readonly string[]): string {
  return `unknown ${kind} '${value}'; known: ${known.join(', ')}`
}

/** Location prefix for messages: "file.csv:12 column 'close': ". */
export function locate(d: Pick<ErrorDetails, 'file' | 'line' | 'column' | 'path'>): string {
  const parts: string[] = []
  if (d.file !== undefined) parts.push(d.line !== undefined ? `${d.file}:${d.line}` : d.file)
  else if (d.line !== undefined) parts.push(`line ${d.line}`)
  if (d.column !== undefined) parts.push(`column '${d.column}'`)
  if (d.path !== undefined) parts.push(`at ${d.path}`)
  return parts.length ? parts.join(' ') + ': ' : ''
}
