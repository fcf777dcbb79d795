import type { RunStatus } from '../../contracts/runs.ts'

/**
 * What the runner streams while it works (the UI shows these live; the CLI prints them).
 * Plain JSON objects, so they cross a worker boundary or a WebSocket as they are.
 *
 * Stage order: data → folds → final → metrics. Every stage emits `stage started`, then progress,
 * then exactly one of `finished` / `failed` / `cancelled`. `fraction` in a progress event is the
 * completed fraction of that stage (0..1, non-decreasing within the stage); `fold`, `model` and
 * `epoch` say where inside it the work is.
 */

export const RUN_STAGES = ['data', 'folds', 'final', 'metrics'] as const
export type RunStage = (typeof RUN_STAGES)[number]

export type StageStatus = 'started' | 'finished' | 'failed' | 'cancelled'

export interface ProgressEvent {
  type: 'progress'
  stage: RunStage
  /** data stage only: its sub-step ('ingest', 'label search', 'regimes', …) */
  step?: string
  /** walk-forward fold (or CPCV split) number; the final refit has none */
  fold?: number
  /** base model id as in the config */
  model?: string
  epoch?: number
  /** training/validation losses a model reports with its progress */
  metrics?: Readonly<Record<string, number>>
  fraction: number
}

export interface StageEvent {
  type: 'stage'
  stage: RunStage
  status: StageStatus
  /** wall time of the stage, on its terminal event */
  seconds?: number
}

export interface LogEvent {
  type: 'log'
  level: 'info' | 'warn'
  message: string
}

/** The store record changed: created (runId null when no store is attached) or over. */
export interface RunStatusEvent {
  type: 'run'
  runId: number | null
  status: RunStatus
}

export type RunEvent = ProgressEvent | StageEvent | LogEvent | RunStatusEvent

export type OnRunEvent = (e: RunEvent) => void
