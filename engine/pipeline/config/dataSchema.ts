import { z } from 'zod'
import { parseBarSize, formatBarSize } from '../../data/bars.ts'
import { resolveInstrument, type CustomInstrumentConfig } from '../../data/calendar/instruments.ts'
import { resolveFeatures } from '../../data/features/featureSets.ts'
import { resolveIngestOptions } from '../../data/ingest/options.ts'
import { validateRegimeConfig } from '../../data/regimes/regimeConfig.ts'
import { validTargetSizes } from '../../data/resample/resample.ts'
import { resolvePolicies } from '../../data/validate/policy.ts'
import { binomial } from '../../data/splits/cpcv.ts'
import { DEFAULT_EMBARGO, DEFAULT_PURGE, MAX_CPCV_SPLITS, WALK_FORWARD_MODES } from '../../data/splits/spec.ts'
import type { SplitsBlock } from '../../data/stage/stageConfig.ts'
import { defineParams } from '../../contracts/params.ts'
import type { ConfigIssue } from './types.ts'
import { collect } from './issues.ts'
import { ALWAYS, addIssue, choiceOf, isRecord, mapping, requiredString, scalar } from './fields.ts'

/**
 * The data half of the config. Shapes and unknown keys are checked here; every value is judged by
 * the module that owns it (ingest options, bar sizes, instruments, validation policies, features,
 * regimes), whose FactoryError becomes a located issue — one source of truth for what is valid.
 * Labels are judged at the root, because their default cost comes from the instrument.
 */

/** Ingest options of a CSV source (engine/data/ingest/types.ts), as the YAML spells them. */
export const INGEST_KEYS = ['columns', 'has_header', 'delimiter', 'timestamp_format', 'epoch_unit', 'timezone', 'timestamp_is', 'bar_size', 'max_examples'] as const
export const DATA_KEYS = ['file', 'instrument', ...INGEST_KEYS, 'resample_to', 'validation', 'custom_instrument'] as const
export const CUSTOM_INSTRUMENT_KEYS = ['symbol', 'description', 'tick_size', 'tick_value', 'default_cost_ticks', 'calendar'] as const

const loose = Object.fromEntries(DATA_KEYS.map((k) => [k, z.unknown().optional()]))

function barSizeMs(v: unknown, path: string): number {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v > 0) return v
    return parseBarSize(String(v), path) // its error names the accepted spellings
  }
  return parseBarSize(v as string, path)
}

function checkData(d: Record<string, unknown>, out: ConfigIssue[]): void {
  const ingest = Object.fromEntries(INGEST_KEYS.filter((k) => d[k] !== undefined).map((k) => [k, d[k]]))
  collect(out, ['data'], () => resolveIngestOptions({ ...ingest, path: 'data' }))
  const fromMs = d.bar_size === undefined ? undefined : collect(out, ['data', 'bar_size'], () => barSizeMs(d.bar_size, 'data.bar_size'))
  const toMs = d.resample_to === undefined ? undefined : collect(out, ['data', 'resample_to'], () => parseBarSize(d.resample_to as string, 'data.resample_to'))
  // Same rule as the resampler's (engine/data/resample/resample.ts), checked before any read.
  if (fromMs !== undefined && toMs !== undefined && (toMs % fromMs !== 0 || toMs % 60_000 !== 0)) {
    const valid = validTargetSizes(fromMs)
    out.push({ path: ['data', 'resample_to'], value: d.resample_to, valid, stage: 'schema', message: `cannot resample ${formatBarSize(fromMs)} bars to ${formatBarSize(toMs)}: the target must be a whole multiple of the source bar size; valid: ${valid.join(', ')}` })
  }
  const custom = d.custom_instrument
  if (custom !== undefined) {
    if (!isRecord(custom)) out.push({ path: ['data', 'custom_instrument'], value: custom, stage: 'schema', message: 'expected a mapping { symbol, tick_size, tick_value, calendar, … }' })
    else if (typeof d.instrument === 'string' && custom.symbol !== d.instrument)
      out.push({ path: ['data', 'custom_instrument', 'symbol'], value: custom.symbol, valid: [d.instrument], stage: 'schema', message: `${JSON.stringify(custom.symbol)} must equal data.instrument ('${d.instrument}'), or the custom instrument is never used` })
  }
  if (typeof d.instrument === 'string' && d.instrument !== '')
    collect(out, ['data', 'instrument'], () => resolveInstrument(d.instrument as string, isRecord(custom) ? (custom as unknown as CustomInstrumentConfig) : undefined))
  if (d.validation !== undefined) collect(out, ['data', 'validation'], () => resolvePolicies(d.validation as never, 'data.validation'))
}

export function dataSchema() {
  const customSchema = mapping(Object.fromEntries(CUSTOM_INSTRUMENT_KEYS.map((k) => [k, z.unknown().optional()])))
  return mapping({
    ...loose,
    file: requiredString('the path of the OHLCV file (CSV, optionally .gz; relative to the working directory)'),
    instrument: requiredString('an instrument symbol such as ES, NQ, GC, BTCUSDT (or one defined in data.custom_instrument)'),
    custom_instrument: customSchema.optional(),
  }).superRefine((d, ctx) => {
    const out: ConfigIssue[] = []
    checkData(d as Record<string, unknown>, out)
    for (const i of out) addIssue(ctx, i.message, i.path.slice(1), i.valid ? { valid: i.valid } : {})
  }, ALWAYS)
}

export function featuresSchema() {
  return z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return
      const out: ConfigIssue[] = []
      collect(out, ['features'], () => resolveFeatures(v, 'features'))
      for (const i of out) addIssue(ctx, i.message, i.path.slice(1), i.valid ? { valid: i.valid } : {})
    })
    .transform((v) => (v === undefined ? 'standard' : v))
}

export function regimeSchema() {
  return z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined || v === null || v === false) return
      if (!isRecord(v)) return addIssue(ctx, `expected a mapping of regime options (e.g. { n_states: 3 }) or false to turn the regime filter off, got ${JSON.stringify(v)}`, [], { valid: ['mapping', 'false'] })
      const out: ConfigIssue[] = []
      collect(out, ['regime'], () => validateRegimeConfig(v, 'regime'))
      for (const i of out) addIssue(ctx, i.message, i.path.slice(1), i.valid ? { valid: i.valid } : {})
    })
    .transform((v) => (v === undefined || v === null ? {} : v))
}

/** Labels: shape only here (a mapping); values at the root, once the instrument is known. */
export function labelsSchema() {
  return z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v !== undefined && v !== null && !isRecord(v)) addIssue(ctx, `expected a mapping of label options (k_up, k_down, horizon, …), got ${JSON.stringify(v)}`)
    })
    .transform((v) => (v === undefined || v === null ? {} : v))
}

// ---- splits: the settings purgedWalkForward / combinatorialPurgedCV accept (engine/data/splits) ----

export const SPLIT_METHODS = ['walk_forward', 'cpcv'] as const

export const SPLIT_FIELDS = defineParams({
  folds: { type: 'int', default: 5, min: 1, description: 'walk-forward folds K' },
  mode: { type: 'enum', choices: WALK_FORWARD_MODES as readonly string[], default: 'expanding', description: 'expanding or rolling training window' },
  purge: { type: 'int', default: DEFAULT_PURGE, min: 0, description: 'bars purged before each test span' },
  embargo: { type: 'int', default: DEFAULT_EMBARGO, min: 0, description: 'bars embargoed after each test span' },
  test_fraction: { type: 'number', default: 0.2, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, description: 'share of bars in the final test span' },
  test_bars: { type: 'int', default: null, nullable: true, min: 1, description: 'final test span in bars (overrides test_fraction)' },
  train_bars: { type: 'int', default: null, nullable: true, min: 1, description: 'training bars per fold (mode rolling)' },
  min_train: { type: 'int', default: 1, min: 1, description: 'fewest training samples a fold may keep' },
  groups: { type: 'int', default: 6, min: 2, description: 'CPCV groups N' },
  test_groups: { type: 'int', default: 2, min: 1, description: 'CPCV test groups k < N' },
})

const WALK_FORWARD_ONLY = ['folds', 'mode', 'train_bars'] as const
const CPCV_ONLY = ['groups', 'test_groups'] as const

export function splitsSchema() {
  const fields = Object.fromEntries(Object.entries(SPLIT_FIELDS).map(([k, def]) => [k, scalar(def)]))
  return mapping({ method: choiceOf('splits method', SPLIT_METHODS).optional(), ...fields })
    .superRefine((s, ctx) => {
      const method = s.method ?? 'walk_forward'
      const foreign = method === 'cpcv' ? WALK_FORWARD_ONLY : CPCV_ONLY
      for (const k of foreign) if (s[k] !== undefined) addIssue(ctx, `applies to splits method ${method === 'cpcv' ? 'walk_forward' : 'cpcv'} only; splits.method is ${method}`, [k], { valid: [...(method === 'cpcv' ? CPCV_ONLY : WALK_FORWARD_ONLY)] })
      if (method === 'walk_forward') {
        const mode = s.mode ?? 'expanding'
        if (mode === 'rolling' && s.train_bars === undefined) addIssue(ctx, "is required when splits.mode is 'rolling' (training bars per fold)", ['train_bars'])
        if (mode !== 'rolling' && s.train_bars !== undefined) addIssue(ctx, "applies to splits.mode 'rolling' only (expanding folds train on everything before the test span)", ['train_bars'])
      } else {
        const N = typeof s.groups === 'number' ? s.groups : 6
        const k = typeof s.test_groups === 'number' ? s.test_groups : 2
        if (Number.isInteger(N) && Number.isInteger(k) && k >= N) addIssue(ctx, `${k} is not below splits.groups (${N}); valid: integer with 1 ≤ value ≤ ${N - 1}`, ['test_groups'], { valid: [1, N - 1] })
        else if (binomial(N, k) > MAX_CPCV_SPLITS) addIssue(ctx, `C(${N},${k}) = ${binomial(N, k)} splits is more than the limit of ${MAX_CPCV_SPLITS} (e.g. groups 10, test_groups 2 gives 45)`, ['groups'])
      }
    }, ALWAYS)
    .transform((s): SplitsBlock => {
      const method = s.method ?? 'walk_forward'
      const given = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== null))
      const layout = method === 'cpcv' ? { groups: 6, test_groups: 2 } : { folds: 5, mode: 'expanding' }
      return { method, purge: DEFAULT_PURGE, embargo: DEFAULT_EMBARGO, ...layout, ...given } as SplitsBlock
    })
}
