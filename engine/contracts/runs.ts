import type { JsonObject } from './component.ts'
import type { SerializedError } from './errors.ts'

/**
 * Records of the run store as the UI and CLI see them (the store lives in engine/store; these
 * types are here so the renderer can import them). Times are epoch milliseconds UTC.
 */

export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
/** A run in one of these states is over: its folds, predictions and metrics are frozen. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'cancelled', 'interrupted']

export interface RunRecord {
  id: number
  name: string
  status: RunStatus
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  /** sha256 of the run's YAML config (run_configs.hash) */
  configHash: string | null
  seed: number | null
  /** numeric backend actually used ('tensorflow', 'wasm', 'cpu') and its device description */
  backend: string | null
  device: string | null
  /** fingerprint of the input bars (file hash + row count + range), for reproducibility */
  dataFingerprint: string | null
  error: SerializedError | null
  summary: JsonObject | null
}

export interface IndexRange {
  start: number
  end: number
}

/** One walk-forward fold (`cv`) or the final refit on the untouched test span (`final`). */
export interface FoldRecord {
  fold: number
  role: 'cv' | 'final'
  /** half-open bar-index ranges */
  train: IndexRange[]
  test: IndexRange[]
  purged?: number
  embargoed?: number
}

export const METRIC_SCOPES = ['train', 'valid', 'fold', 'oof', 'test'] as const
export type MetricScope = (typeof METRIC_SCOPES)[number]

export interface MetricRecord {
  scope: MetricScope
  /** set for per-fold metrics, null for run-level ones */
  fold: number | null
  /** pipeline node (base model, 'ensemble', …); null for the pipeline's final output */
  model: string | null
  output: string | null
  name: string
  /** NaN when undefined (e.g. AUC on one class); stored as NULL */
  value: number
}

export interface ArtifactRecord {
  id: number
  runId: number
  /** preproc | schema | weights | metrics | signature | oof | meta_model | calibrator | gating_model | … */
  kind: string
  path: string
  sha256: string
  bytes: number
  createdAt: number
}
