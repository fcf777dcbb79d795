import { FactoryError } from '../../contracts/errors.ts'
import { parseBarSize, type Bars } from '../bars.ts'
import { resolveInstrument, type ResolvedInstrument } from '../calendar/instruments.ts'
import { loadValidatedBars } from '../validate/loadValidated.ts'
import type { ValidationReport } from '../validate/validateBars.ts'
import { resampleBars } from '../resample/resample.ts'
import { computeFeatures, resolveFeatures, type FeatureMatrixColumns } from '../features/index.ts'
import { validateLabelConfig, type LabelConfig } from '../labels/labelConfig.ts'
import { tripleBarrierLabels, type TripleBarrierLabels } from '../labels/tripleBarrier.ts'
import { optimiseLabelParams, type LabelOptimiseResult } from '../labels/labelOptimiser.ts'
import { forwardReturn } from '../labels/targets.ts'
import { fitRegimes, applyRegimes, expandingRegimes, type RegimeModel, type RegimeOutput } from '../regimes/regimes.ts'
import { validateRegimeConfig } from '../regimes/regimeConfig.ts'
import { purgedWalkForward, type WalkForwardPlan } from '../splits/walkForward.ts'
import { combinatorialPurgedCV, type CpcvPlan } from '../splits/cpcv.ts'
import { assertNoLeakage, type AuditReport } from '../splits/audit.ts'
import { checkDataStageConfig, type DataStageConfig, type SplitsBlock } from './stageConfig.ts'
import { StageClock, type StageTiming } from './stageClock.ts'

/**
 * The data stage of a pipeline, in DESIGN.md order:
 *   ingest+validate → resample → features → labels (optionally GA-optimised on the development
 *   region only) → splits (purged by each label's end, audited) → regimes (fitted on the
 *   development region only; expanding mode refits on data before each refit point).
 * The final test span is never read by anything that is fitted here. The runner refits
 * per-fold components (scalers, HMM per fold, models) on each fold's training ranges.
 */
export interface DataStageResult {
  instrument: ResolvedInstrument
  bars: Bars
  barMs: number
  report: ValidationReport
  features: FeatureMatrixColumns
  labelConfig: LabelConfig
  labelSearch: LabelOptimiseResult | null
  labels: TripleBarrierLabels
  /** forward log return over the label horizon (the E_r and quantile target) */
  forwardReturn: Float64Array
  splits: WalkForwardPlan | CpcvPlan
  audit: AuditReport
  regimes: (RegimeOutput & { model: RegimeModel | null; fittedOn: { start: number; end: number } }) | null
  timings: StageTiming[]
}

export interface DataStageOptions {
  signal?: AbortSignal
  onProgress?: (stage: string, fraction: number) => void
  /** override data.file (CLI --data) */
  file?: string
}

export async function runDataStage(rawConfig: unknown, opts: DataStageOptions = {}): Promise<DataStageResult> {
  const cfg: DataStageConfig = checkDataStageConfig(rawConfig)
  const { data } = cfg
  const clock = new StageClock()
  const progress = (stage: string) => (f: number) => opts.onProgress?.(stage, f)
  const instrument = resolveInstrument(data.instrument, data.custom_instrument)
  // Validate every config block before the (slow) read, so a typo fails in milliseconds.
  const labelConfig = validateLabelConfig(cfg.labels ?? {}, 'labels', instrument)
  resolveFeatures(cfg.features ?? 'standard', 'features')
  const regimeConfig = cfg.regime === false ? null : validateRegimeConfig(cfg.regime ?? {}, 'regime')
  const toBarMs = data.resample_to !== undefined ? parseBarSize(data.resample_to, 'data.resample_to') : null

  const { file: _f, instrument: _i, resample_to: _r, validation, custom_instrument: _c, ...ingestOpts } = data
  const file = opts.file ?? data.file
  const loaded = await clock.time('ingest+validate', () =>
    loadValidatedBars(file, { data: { ...ingestOpts, path: 'data' }, validation: { ...(validation ? { policy: validation } : {}), instrument, path: 'data.validation' } }, opts.signal, progress('ingest')),
  )
  clock.setBars(loaded.bars.length)
  let bars = loaded.bars
  let barMs = loaded.report.barMs
  if (toBarMs !== null && toBarMs !== barMs) {
    bars = clock.timeSync('resample', () => resampleBars(loaded.bars, barMs, toBarMs, instrument.sessionCalendar, { path: 'data.resample_to' }))
    barMs = toBarMs
    clock.setBars(bars.length)
  }
  checkAborted(opts.signal)

  const features = clock.timeSync('features', () =>
    computeFeatures(bars, cfg.features ?? 'standard', { timeZone: instrument.sessionCalendar.spec.timeZone, context: { calendar: instrument.sessionCalendar, barMs } }),
  )
  checkAborted(opts.signal)

  // Where the final test span starts does not depend on label parameters, so the label search can be
  // confined to the development region before the labels (and the purged folds) exist.
  const splitsCfg = cfg.splits ?? {}
  const worstReach = labelConfig.optimise.enabled ? labelConfig.optimise.bounds.horizon[1] : labelConfig.horizon
  const provisional = makeSplits(worstCaseLabelEnds(bars.length, worstReach), splitsCfg)
  let labelSearch: LabelOptimiseResult | null = null
  let finalLabels = labelConfig
  if (labelConfig.optimise.enabled) {
    const { enabled: _e, bounds, ...ga } = labelConfig.optimise
    labelSearch = await clock.time('label search', () =>
      optimiseLabelParams(bars, [provisional.development], bounds, ga, { tickSize: instrument.tickSize, costTicks: labelConfig.cost_ticks, atrPeriod: labelConfig.atr_period, timeoutLabel: labelConfig.timeout_label }, (p) => opts.onProgress?.('label search', (p as { generation: number }).generation / p.generations), opts.signal),
    )
    finalLabels = { ...labelConfig, k_up: labelSearch.best.k_up, k_down: labelSearch.best.k_down, horizon: labelSearch.best.horizon }
  }
  const labels = clock.timeSync('labels', () => tripleBarrierLabels(bars, finalLabels, instrument.tickSize))
  const fwd = clock.timeSync('targets', () => forwardReturn(bars, finalLabels.horizon))

  const { splits, audit } = clock.timeSync('splits+audit', () => {
    const s = makeSplits(labels.labelEnd, splitsCfg)
    const a = assertNoLeakage(s.folds, labels.labelEnd, { purge: s.settings.purge, embargo: s.settings.embargo, finalTest: s.finalTest })
    return { splits: s, audit: a }
  })
  checkAborted(opts.signal)

  let regimes: DataStageResult['regimes'] = null
  if (regimeConfig) {
    const fittedOn = { start: 0, end: splits.development.end }
    regimes = await clock.time('regimes', async () => {
      const ro = { signal: opts.signal, onProgress: progress('regimes') }
      if (regimeConfig.expanding) {
        const firstTrainEnd = splits.folds[0] ? firstTrainEndOf(splits) : fittedOn.end
        const out = expandingRegimes(bars, firstTrainEnd, regimeConfig, ro)
        return { ...out, model: null, fittedOn: { start: 0, end: firstTrainEnd } }
      }
      const model = fitRegimes(bars, fittedOn, regimeConfig, ro)
      return { ...applyRegimes(model, bars), model, fittedOn }
    })
  }

  return { instrument, bars, barMs, report: loaded.report, features, labelConfig: finalLabels, labelSearch, labels, forwardReturn: fwd, splits, audit, regimes, timings: clock.timings() }
}

function makeSplits(labelEnd: Int32Array, s: SplitsBlock): WalkForwardPlan | CpcvPlan {
  const common = {
    ...(s.purge !== undefined ? { purge: s.purge } : {}),
    ...(s.embargo !== undefined ? { embargo: s.embargo } : {}),
    ...(s.test_fraction !== undefined ? { test_fraction: s.test_fraction } : {}),
    ...(s.test_bars !== undefined ? { test_bars: s.test_bars } : {}),
    ...(s.min_train !== undefined ? { min_train: s.min_train } : {}),
  }
  if (s.method === 'cpcv') return combinatorialPurgedCV(labelEnd, { ...common, groups: s.groups ?? 6, test_groups: s.test_groups ?? 2 })
  return purgedWalkForward(labelEnd, { ...common, folds: s.folds ?? 5, ...(s.mode ? { mode: s.mode } : {}), ...(s.train_bars !== undefined ? { train_bars: s.train_bars } : {}) })
}

/** i + reach, or −1 past the end: the widest label windows any parameter choice could produce. */
function worstCaseLabelEnds(n: number, reach: number): Int32Array {
  const le = new Int32Array(n)
  for (let i = 0; i < n; i++) le[i] = i + reach < n ? i + reach : -1
  return le
}

function firstTrainEndOf(plan: WalkForwardPlan | CpcvPlan): number {
  const f = plan.folds[0]
  const test = Array.isArray(f.test) ? f.test[0] : f.test
  return test.start
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FactoryError('E_CANCELLED', 'data stage cancelled')
}
