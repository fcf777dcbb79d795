import { FactoryError } from '../../contracts/errors.ts'
import { registryCatalog } from './catalog.ts'
import { compatibilityIssues } from './compatibility.ts'
import { formatPath } from './issues.ts'
import { schemaIssues, type SchemaOptions } from './schema.ts'
import type { ConfigIssue, PipelineConfig } from './types.ts'

/**
 * Schema, then compatibility. Compatibility reasons about a well-formed config (resolved names,
 * filled params), so it runs once the schema has no complaint; `extraChecks` (e.g. the loader's
 * "does data.file exist") run at the same point.
 */
export interface CheckOptions extends SchemaOptions {
  extraChecks?: (config: PipelineConfig) => ConfigIssue[]
}

export function checkPipeline(raw: unknown, opts: CheckOptions = {}): { config?: PipelineConfig; issues: ConfigIssue[] } {
  const catalog = opts.catalog ?? registryCatalog()
  const s = schemaIssues(raw, { ...opts, catalog })
  if (!s.config) return s
  const issues = [...compatibilityIssues(s.config, catalog), ...(opts.extraChecks?.(s.config) ?? [])]
  return issues.length ? { issues } : { config: s.config, issues }
}

/** One issue with its place in a file (line and column 1-based; absent for an in-memory object). */
export interface LocatedIssue {
  file?: string
  line?: number
  column?: number
  path: string
  message: string
  value?: unknown
  valid?: (string | number)[]
  stage: ConfigIssue['stage']
  /** E_INCOMPATIBLE for compatibility issues, else E_CONFIG */
  code: 'E_CONFIG' | 'E_INCOMPATIBLE'
}

export const MAX_SHOWN = 5

export function issueLine(i: LocatedIssue): string {
  const where = i.file !== undefined ? `${i.file}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''} ` : ''
  return `${where}${i.path || '(root)'}: ${i.message}`
}

/** The one error for a failed config: the first few issues in the message, every one in details.errors. */
export function configError(issues: readonly LocatedIssue[]): FactoryError {
  const first = issues[0]
  const lines = issues.slice(0, MAX_SHOWN).map(issueLine)
  if (issues.length > MAX_SHOWN) lines.push(`… and ${issues.length - MAX_SHOWN} more (details.errors lists all ${issues.length})`)
  return new FactoryError('E_CONFIG', lines.join('\n'), {
    ...(first.file !== undefined ? { file: first.file } : {}),
    ...(first.line !== undefined ? { line: first.line, column: first.column } : {}),
    path: first.path,
    value: first.value,
    ...(first.valid ? { valid: first.valid } : {}),
    errors: issues.map((i) => ({ ...i })),
  })
}

export function unlocated(i: ConfigIssue): LocatedIssue {
  return {
    path: formatPath(i.path),
    message: i.message,
    ...(i.value !== undefined ? { value: i.value } : {}),
    ...(i.valid ? { valid: i.valid } : {}),
    stage: i.stage,
    code: i.stage === 'compatibility' ? 'E_INCOMPATIBLE' : 'E_CONFIG',
  }
}

/** Validate a config object (e.g. one the composer built); throws E_CONFIG naming every path. */
export function validatePipelineConfig(raw: unknown, opts: CheckOptions = {}): PipelineConfig {
  const r = checkPipeline(raw, opts)
  if (r.issues.length) throw configError(r.issues.map(unlocated))
  return r.config!
}
