import { cpus } from 'node:os'
import { stringify } from 'yaml'
import { FactoryError } from '../../contracts/errors.ts'
import type { JsonObject } from '../../contracts/component.ts'
import type { FoldRecord, MetricRecord } from '../../contracts/runs.ts'
import { runDataStage, type DataStageResult } from '../../data/stage/dataStage.ts'
import type { StageTiming } from '../../data/stage/stageClock.ts'
import { classifyCandidates } from '../../data/splits/purge.ts'
import type { IndexRange } from '../../data/splits/spec.ts'
import type { ScalerParams } from '../../data/scaling/index.ts'
import { featureMatrix, type FeatureMatrix } from '../../data/views/index.ts'
import type { RunStore } from '../../store/index.ts'
import type { PipelineConfig } from '../config/types.ts'
import { emptySeries, gather, scatterAt } from './alignment.ts'
import type { OnRunEvent, RunEvent, RunStage } from './events.ts'
import { dataFingerprint } from './fingerprint.ts'
import type { ModelPlan } from './inputs.ts'
import { defaultEvaluate, type EvaluateFn } from './metrics.ts'
import { planModels } from './plan.ts'
import { RunRecorder } from './recorder.ts'
import { RegimeColumns } from './regimeColumns.ts'
import { lastEnd, usableMask, windowUsableMask } from './rows.ts'
import { scoreScope, type ModelSeries } from './scoring.ts'
import { deriveSeed } from './seeds.ts'
import { DEFAULT_INNER_VALIDATION_FRACTION, runUnit, type UnitResult } from './unit.ts'

export interface RunOptions {
  /** where to record the run; without one nothing is written and runId is null */
  store?: RunStore
  /** the config as the user wrote it (stored and hashed); default: the parsed config as YAML */
  configYaml?: string
  signal?: AbortSignal
  onEvent?: OnRunEvent
  /** numeric backend and device actually used; default 'cpu-js' (plain TypeScript models) */
  deviceInfo?: { backend: string; device?: string }
  /** data file overriding config.data.file (the CLI's --data) */
  file?: string
  /** metric function; default: the metrics library */
  evaluate?: EvaluateFn
}

/** Predictions of one model, per output, as bar-indexed series of length n (see alignment.ts). */
export type SeriesByOutput = Record<string, Float64Array>

export interface RunResult {
  runId: number | null
  name: string
  /** bars after the data stage; every series has this length */
  n: number
  models: { id: string; name: string; outputs: string[]; view: string; lookback: number; scaled: boolean; useRegime: boolean }[]
  /** the cv folds, then the final refit (role 'final', fold = number of cv folds) */
  folds: FoldRecord[]
  /** out-of-fold predictions by model id and output */
  oof: Record<string, SeriesByOutput>
  /** final-refit predictions on the final test span by model id and output (NaN elsewhere) */
  test: Record<string, SeriesByOutput>
  metrics: MetricRecord[]
  /** scaler fitted per model and fold (cv folds in order, then the final refit); null = unscaled model */
  scalers: Record<string, (ScalerParams | null)[]>
  summary: JsonObject
  timings: { stage: RunStage; seconds: number }[]
  dataTimings: StageTiming[]
}

interface FoldSpec {
  fold: number
  train: IndexRange[]
  test: IndexRange[]
  /** the test spans whose predictions enter the OOF series (all of them in walk-forward) */
  oofTest: IndexRange[]
  purged: number
  embargoed: number
}

/**
 * Data stage → per fold, per base model: rows, scaler, fit, predict the test span → OOF series →
 * final refit on the development region → predictions on the untouched final test span →
 * metrics → store. Reproducible bit for bit: every (model, fold) fit is seeded by deriveSeed.
 */
export async function runPipeline(config: PipelineConfig, opts: RunOptions = {}): Promise<RunResult> {
  const emit = (e: RunEvent): void => {
    // A broken listener (a UI bug) must not fail an hour of training.
    try { opts.onEvent?.(e) } catch { /* ignored */ }
  }
  const { signal } = opts
  const evaluate = opts.evaluate ?? defaultEvaluate
  const plans = planModels(config)
  const recorder = new RunRecorder(opts.store, emit)
  const timings: RunResult['timings'] = []
  let stage: RunStage = 'data'
  let t0 = performance.now()
  const begin = (s: RunStage): void => {
    stage = s
    t0 = performance.now()
    emit({ type: 'stage', stage: s, status: 'started' })
  }
  const end = (): void => {
    const seconds = (performance.now() - t0) / 1000
    timings.push({ stage, seconds })
    emit({ type: 'stage', stage, status: 'finished', seconds })
  }
  const checkAborted = (where: string): void => {
    if (signal?.aborted) throw new FactoryError('E_CANCELLED', `run cancelled ${where}`, {})
  }

  try {
    begin('data')
    const { data, features, labels, splits } = config
    // regime: false — the stage's HMM is fitted on the whole development region, which holds later
    // folds' test spans; the runner refits it per fold instead (regimeColumns.ts), so skip that fit.
    const ds = await runDataStage({ data, features, regime: false, labels, splits }, {
      ...(signal ? { signal } : {}),
      ...(opts.file ? { file: opts.file } : {}),
      onProgress: (step, fraction) => emit({ type: 'progress', stage: 'data', step, fraction }),
    })
    const fingerprint = await dataFingerprint(opts.file ?? config.data.file, ds.bars)
    end()
    checkAborted('after the data stage')

    const n = ds.bars.length
    const cvFolds = foldSpecs(ds)
    const finalFold = finalSpec(ds, cvFolds.length)
    const foldRecords: FoldRecord[] = [
      ...cvFolds.map((f) => ({ fold: f.fold, role: 'cv' as const, train: f.train, test: f.test, purged: f.purged, embargoed: f.embargoed })),
      { fold: finalFold.fold, role: 'final' as const, train: finalFold.train, test: finalFold.test, purged: finalFold.purged, embargoed: finalFold.embargoed },
    ]
    recorder.start({
      name: config.name,
      configYaml: opts.configYaml ?? stringify(config),
      seed: config.seed,
      backend: opts.deviceInfo?.backend ?? 'cpu-js',
      device: opts.deviceInfo?.device ?? `cpu (${cpus().length} cores)`,
      dataFingerprint: fingerprint,
    })
    recorder.folds(foldRecords)
    emit({ type: 'log', level: 'info', message: `${n} bars, ${ds.features.names.length} features, ${cvFolds.length} ${ds.splits.kind === 'cpcv' ? 'CPCV splits' : 'walk-forward folds'}, ${plans.length} base models` })

    const ctx = makeContext(ds, config)
    const label01 = ctx.label01
    const oof: Record<string, SeriesByOutput> = {}
    for (const p of plans) oof[p.id] = Object.fromEntries(p.outputs.map((o) => [o, emptySeries(n)]))
    const metrics: MetricRecord[] = []
    const scalers: Record<string, (ScalerParams | null)[]> = Object.fromEntries(plans.map((p) => [p.id, []]))

    // ---- walk-forward folds ----
    begin('folds')
    const units = cvFolds.length * plans.length
    let done = 0
    for (const f of cvFolds) {
      const foldSeries: ModelSeries[] = []
      for (const p of plans) {
        checkAborted(`before fold ${f.fold}, model '${p.id}'`)
        const r = await runUnit({
          ...ctx.unitBase(p, f.train),
          fold: f.fold,
          seed: deriveSeed(config.seed, p.id, f.fold),
          train: f.train,
          test: f.test,
          ...(signal ? { signal } : {}),
          onProgress: (phase, pi) => emit({ type: 'progress', stage: 'folds', fold: f.fold, model: p.id, ...(pi.epoch !== undefined ? { epoch: pi.epoch } : {}), ...(pi.metrics ? { metrics: pi.metrics } : {}), fraction: (done + (phase === 'fit' ? 0.9 * pi.fraction : 0.9 + 0.1 * pi.fraction)) / units }),
        })
        done++
        emit({ type: 'progress', stage: 'folds', fold: f.fold, model: p.id, fraction: done / units })
        scalers[p.id].push(r.scaler)
        logUnit(emit, `fold ${f.fold}`, p, r)
        const series: SeriesByOutput = {}
        const inOof = inSpans(r.testBars, f.oofTest)
        for (const o of p.outputs) {
          const values = r.outputs[o]!
          recorder.predictions(p.id, o, f.fold, r.testBars, values, gather(ctx.ts, r.testBars))
          scatterAt(oof[p.id][o], r.testBars.filter((_, k) => inOof[k]), values.filter((_, k) => inOof[k]), `OOF ${p.id}/${o} fold ${f.fold}`)
          series[o] = emptySeries(n)
          scatterAt(series[o], r.testBars, values, `fold ${f.fold} ${p.id}/${o}`)
        }
        foldSeries.push({ model: p.id, series })
      }
      metrics.push(...scoreScope(foldSeries, f.test, ctx.y, evaluate, 'fold', f.fold))
    }
    end()

    // ---- final refit on the development region, predictions on the final test span ----
    begin('final')
    const test: Record<string, SeriesByOutput> = {}
    for (const [k, p] of plans.entries()) {
      checkAborted(`before the final refit of model '${p.id}'`)
      const r = await runUnit({
        ...ctx.unitBase(p, finalFold.train),
        fold: 'final',
        seed: deriveSeed(config.seed, p.id, 'final'),
        train: finalFold.train,
        test: finalFold.test,
        ...(signal ? { signal } : {}),
        onProgress: (phase, pi) => emit({ type: 'progress', stage: 'final', model: p.id, ...(pi.epoch !== undefined ? { epoch: pi.epoch } : {}), ...(pi.metrics ? { metrics: pi.metrics } : {}), fraction: (k + (phase === 'fit' ? 0.9 * pi.fraction : 0.9 + 0.1 * pi.fraction)) / plans.length }),
      })
      emit({ type: 'progress', stage: 'final', model: p.id, fraction: (k + 1) / plans.length })
      logUnit(emit, 'final refit', p, r)
      scalers[p.id].push(r.scaler)
      test[p.id] = {}
      for (const o of p.outputs) {
        recorder.predictions(p.id, o, finalFold.fold, r.testBars, r.outputs[o]!, gather(ctx.ts, r.testBars))
        test[p.id][o] = emptySeries(n)
        scatterAt(test[p.id][o], r.testBars, r.outputs[o]!, `final ${p.id}/${o}`)
      }
    }
    end()

    // ---- metrics: overall OOF and final test, each on the rows every model predicted ----
    begin('metrics')
    checkAborted('before metrics')
    const dev = [ds.splits.development]
    metrics.push(...scoreScope(plans.map((p) => ({ model: p.id, series: oof[p.id] })), dev, ctx.y, evaluate, 'oof', null))
    metrics.push(...scoreScope(plans.map((p) => ({ model: p.id, series: test[p.id] })), finalFold.test, ctx.y, evaluate, 'test', null))
    emit({ type: 'progress', stage: 'metrics', fraction: 1 })
    end()

    const summary = summarise(config, n, cvFolds.length, plans, metrics, timings)
    recorder.finish(metrics, summary)
    return {
      runId: recorder.runId,
      name: config.name,
      n,
      models: plans.map((p) => ({ id: p.id, name: p.name, outputs: [...p.outputs], view: p.view, lookback: p.T, scaled: p.scaled, useRegime: p.useRegime })),
      folds: foldRecords,
      oof,
      test,
      metrics,
      scalers,
      summary,
      timings,
      dataTimings: ds.timings,
    }
  } catch (e) {
    const err = toFactoryError(e, signal)
    const cancelled = err.code === 'E_CANCELLED'
    emit({ type: 'stage', stage, status: cancelled ? 'cancelled' : 'failed', seconds: (performance.now() - t0) / 1000 })
    recorder.abort(cancelled ? 'cancelled' : 'failed', err.toJSON())
    throw err
  }
}

function toFactoryError(e: unknown, signal?: AbortSignal): FactoryError {
  if (e instanceof FactoryError) return e
  if (signal?.aborted) return new FactoryError('E_CANCELLED', `run cancelled: ${(e as Error)?.message ?? String(e)}`, {})
  return new FactoryError('E_INTERNAL', (e as Error)?.message ?? String(e), { value: (e as Error)?.name })
}

/** What every unit of one run shares; `unitBase` adds the model's matrix and usable rows. */
function makeContext(ds: DataStageResult, config: PipelineConfig) {
  const n = ds.bars.length
  const label01 = new Float64Array(n)
  for (let i = 0; i < n; i++) label01[i] = ds.labels.label[i] === 1 ? 1 : 0
  const ret = ds.forwardReturn
  const baseCols = ds.features.names.map((name, j) => ({ name, values: ds.features.columns[j] }))
  const base = featureMatrix(baseCols)
  const baseUsable = usableMask(base.valid, ds.labels.valid, ret)
  const usableCache = new Map<string, Uint8Array>()
  const regimes = config.regime === false ? null : new RegimeColumns(ds.bars, config.regime)
  const purge = ds.splits.settings.purge
  const valFraction = (config.splits as { validation_fraction?: number }).validation_fraction ?? DEFAULT_INNER_VALIDATION_FRACTION
  const usableFor = (m: FeatureMatrix, T: number, key: string | null): Uint8Array => {
    const k = `${key}/${T}`
    const hit = key !== null ? usableCache.get(k) : undefined
    if (hit) return hit
    const u0 = key === 'base' ? baseUsable : usableMask(m.valid, ds.labels.valid, ret)
    const u = T > 1 ? windowUsableMask(u0, m.valid, T) : u0
    if (key !== null) usableCache.set(k, u)
    return u
  }
  return {
    label01,
    ts: ds.bars.ts,
    y: { label01, ret },
    unitBase(p: ModelPlan, train: IndexRange[]) {
      let matrix = base
      let key: string | null = 'base'
      if (p.useRegime && regimes) {
        matrix = featureMatrix([...baseCols, ...regimes.columns(lastEnd(train))])
        key = null
      }
      return { plan: p, matrix, usable: usableFor(matrix, p.T, key), labelEnd: ds.labels.labelEnd, label01, ret, valFraction, purge }
    },
  }
}

function foldSpecs(ds: DataStageResult): FoldSpec[] {
  const plan = ds.splits
  if (plan.kind === 'walk_forward') {
    return plan.folds.map((f) => ({ fold: f.fold, train: f.train, test: [f.test], oofTest: [f.test], purged: f.purged, embargoed: f.embargoed }))
  }
  // CPCV: group g's OOF prediction comes from backtest path 0 (alignment rule 3).
  const path0 = plan.paths[0] ?? []
  return plan.folds.map((f) => ({
    fold: f.fold,
    train: f.train,
    test: f.test,
    oofTest: f.groups.filter((g) => path0[g] === f.fold).map((g) => plan.groups[g]),
    purged: f.purged,
    embargoed: f.embargoed,
  }))
}

/**
 * The final refit trains on every labelled development sample whose label window ends before the
 * final test span (spec rule 5 with the final test span as the only test span; the P + E gap
 * between the development region and it already holds the purge and the embargo).
 */
function finalSpec(ds: DataStageResult, fold: number): FoldSpec {
  const { development, finalTest, settings } = ds.splits
  const c = classifyCandidates([development], [finalTest], finalTest.start, ds.labels.labelEnd, settings.purge, settings.embargo)
  if (c.trainCount === 0) throw new FactoryError('E_SPLIT', `the final refit has no training samples in the development region [${development.start}, ${development.end})`, { path: 'splits' })
  return { fold, train: c.train, test: [finalTest], oofTest: [], purged: c.purged, embargoed: c.embargoed }
}

function inSpans(bars: Int32Array, spans: readonly IndexRange[]): Uint8Array {
  const out = new Uint8Array(bars.length)
  for (let k = 0; k < bars.length; k++) for (const s of spans) if (bars[k] >= s.start && bars[k] < s.end) { out[k] = 1; break }
  return out
}

function logUnit(emit: OnRunEvent, where: string, p: ModelPlan, r: UnitResult): void {
  const valid = r.validCount ? ` (fit ${r.fitCount}, validation ${r.validCount})` : ''
  emit({ type: 'log', level: r.testBars.length ? 'info' : 'warn', message: `${where}, model '${p.id}': ${r.trainCount} training rows${valid}, ${r.testBars.length} test rows, fit ${r.fitSeconds.toFixed(2)} s` })
}

function summarise(config: PipelineConfig, n: number, folds: number, plans: ModelPlan[], metrics: MetricRecord[], timings: RunResult['timings']): JsonObject {
  const scope = (s: 'oof' | 'test'): JsonObject => {
    const out: Record<string, Record<string, Record<string, number | null>>> = {}
    for (const m of metrics) {
      if (m.scope !== s || m.model === null) continue
      const byOut = (out[m.model] ??= {})
      const key = m.output ?? '_'
      ;(byOut[key] ??= {})[m.name] = Number.isFinite(m.value) ? m.value : null
    }
    return out as JsonObject
  }
  return {
    name: config.name,
    seed: config.seed,
    bars: n,
    folds,
    models: plans.map((p) => ({ id: p.id, name: p.name, outputs: [...p.outputs] })),
    oof: scope('oof'),
    test: scope('test'),
    seconds: Object.fromEntries(timings.map((t) => [t.stage, Math.round(t.seconds * 1000) / 1000])),
  }
}
