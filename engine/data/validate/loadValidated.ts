import type { Bars } from '../bars.ts'
import { ingestCsv } from '../ingest/ingestCsv.ts'
import type { IngestOptions, IngestStats, ProgressFn } from '../ingest/types.ts'
import { validateBars, type ValidateOptions, type ValidationReport } from './validateBars.ts'

/**
 * Ingest then validate, the order every write path relies on: this resolves only with bars that
 * passed the policies, and throws (E_VALIDATION, E_CSV_HEADER, …) before the caller can write
 * anything. Progress covers ingest (0–0.9) then validation (1).
 */
export async function loadValidatedBars(
  path: string,
  opts: { data?: IngestOptions; validation?: ValidateOptions },
  signal?: AbortSignal,
  onProgress?: ProgressFn,
): Promise<{ bars: Bars; report: ValidationReport; ingest: IngestStats }> {
  const parsed = await ingestCsv(path, opts.data ?? {}, signal, onProgress ? (f) => onProgress(0.9 * f) : undefined)
  const barSize = opts.validation?.barSize ?? opts.data?.bar_size
  const { bars, report } = validateBars(parsed, { ...opts.validation, ...(barSize !== undefined ? { barSize } : {}) })
  onProgress?.(1)
  return { bars, report, ingest: parsed.stats }
}
