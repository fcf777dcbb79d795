import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import { DEFAULT_EMBARGO, DEFAULT_PURGE, type IndexRange, type WalkForwardMode } from './spec.ts'
import { purgedWalkForward } from './walkForward.ts'
import { combinatorialPurgedCV } from './cpcv.ts'
import { auditSplits } from './audit.ts'
import { checkInt } from './resolve.ts'

/**
 * What `factory splits --bars N --folds K --purge P --embargo E [--mode …]` prints: the layout a
 * config would produce on N bars, before any data is loaded, with the leakage audit run over it.
 * Label ends are the synthetic i + horizon (the triple-barrier maximum), −1 where that runs past
 * the data, so purging is shown at its worst case.
 */

export type SummaryMode = WalkForwardMode | 'cpcv'
export const SUMMARY_MODES: readonly SummaryMode[] = ['expanding', 'rolling', 'cpcv']

export interface SplitsSummaryInput {
  bars: number
  /** walk-forward folds, or CPCV groups N */
  folds: number
  purge?: number
  embargo?: number
  mode?: SummaryMode
  test_fraction?: number
  test_bars?: number
  /** label look-ahead in bars; default 60 */
  horizon?: number
  train_bars?: number
  /** CPCV only: k test groups per split; default 2 */
  test_groups?: number
  min_train?: number
}

export interface SplitsSummaryFold {
  fold: number
  groups?: number[]
  test: IndexRange[]
  train: IndexRange[]
  trainCount: number
  testCount: number
  purged: number
  embargoed: number
  unlabeled: number
}

export interface SplitsSummary {
  kind: 'walk_forward' | 'cpcv'
  settings: Record<string, number | string | null>
  bars: number
  horizon: number
  finalTest: IndexRange
  development: IndexRange
  gap: IndexRange
  folds: SplitsSummaryFold[]
  groups?: IndexRange[]
  paths?: number[][]
  audit: { ok: boolean; checked: number; violationCount: number }
}

export const DEFAULT_HORIZON = 60

export function horizonLabelEnds(bars: number, horizon: number): Int32Array {
  const le = new Int32Array(bars)
  for (let i = 0; i < bars; i++) le[i] = i + horizon < bars ? i + horizon : -1
  return le
}

export function splitsSummary(input: SplitsSummaryInput): SplitsSummary {
  const bars = checkInt('bars', input.bars, 1, 2 ** 31 - 1)
  const horizon = checkInt('horizon', input.horizon ?? DEFAULT_HORIZON, 0)
  const mode = input.mode ?? 'expanding'
  if (!SUMMARY_MODES.includes(mode)) {
    throw new FactoryError('E_PARAM', unknownNameMessage('splits.mode', String(mode), SUMMARY_MODES), {
      path: 'splits.mode',
      value: mode,
      valid: SUMMARY_MODES,
    })
  }
  const labelEnd = horizonLabelEnds(bars, horizon)
  const common = {
    purge: input.purge ?? DEFAULT_PURGE,
    embargo: input.embargo ?? DEFAULT_EMBARGO,
    ...(input.test_fraction !== undefined ? { test_fraction: input.test_fraction } : {}),
    ...(input.test_bars !== undefined ? { test_bars: input.test_bars } : {}),
    ...(input.min_train !== undefined ? { min_train: input.min_train } : {}),
  }
  const plan =
    mode === 'cpcv'
      ? combinatorialPurgedCV(labelEnd, { ...common, groups: input.folds, test_groups: input.test_groups ?? 2 })
      : purgedWalkForward(labelEnd, { ...common, folds: input.folds, mode, ...(input.train_bars !== undefined ? { train_bars: input.train_bars } : {}) })
  const { purge, embargo } = plan.settings
  const audit = auditSplits(plan.folds, labelEnd, { purge, embargo, finalTest: plan.finalTest })
  const folds: SplitsSummaryFold[] = plan.folds.map((f) => {
    const test = Array.isArray(f.test) ? f.test : [f.test]
    return {
      fold: f.fold,
      ...('groups' in f ? { groups: f.groups } : {}),
      test,
      train: f.train,
      trainCount: f.trainCount,
      testCount: test.reduce((s, t) => s + t.end - t.start, 0),
      purged: f.purged,
      embargoed: f.embargoed,
      unlabeled: f.unlabeled,
    }
  })
  return {
    kind: plan.kind,
    settings: { ...plan.settings, horizon },
    bars,
    horizon,
    finalTest: plan.finalTest,
    development: plan.development,
    gap: { start: plan.development.end, end: plan.finalTest.start },
    folds,
    ...(plan.kind === 'cpcv' ? { groups: plan.groups, paths: plan.paths } : {}),
    audit: { ok: audit.ok, checked: audit.checked, violationCount: audit.violationCount },
  }
}
