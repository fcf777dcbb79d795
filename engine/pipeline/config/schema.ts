import { z } from 'zod'
import { resolveInstrument, type CustomInstrumentConfig } from '../../data/calendar/instruments.ts'
import { validateLabelConfig } from '../../data/labels/labelConfig.ts'
import type { SpecCatalog } from './catalog.ts'
import { registryCatalog } from './catalog.ts'
import { baseModelsSchema, ensembleSchema, inferenceSchema, policySchema } from './componentSchema.ts'
import { dataSchema, featuresSchema, labelsSchema, regimeSchema, splitsSchema } from './dataSchema.ts'
import { ALWAYS, addIssue, choiceOf, isRecord, mapping, scalar } from './fields.ts'
import { collect, fromZodIssue, show } from './issues.ts'
import { DEVICES } from './types.ts'
import type { ConfigIssue, PipelineConfig } from './types.ts'

/**
 * The zod schema of a whole pipeline config. It is built per call from a catalog of specs (by
 * default the registries as they are now), so the component enums and params checks always match
 * what is registered. Every refinement runs even when a sibling failed, so one parse reports every
 * problem it can see rather than the first.
 */

export const TOP_KEYS = ['name', 'seed', 'device', 'data', 'features', 'regime', 'labels', 'splits', 'base_models', 'ensemble', 'inference', 'policy', 'bundle'] as const

export const SEED_DEF = { type: 'int', default: 0, min: 0, max: 4_294_967_295, description: 'master seed; every stochastic part derives its seed from it' } as const

export interface SchemaOptions {
  catalog?: SpecCatalog
  /** default `name` when the config has none (the loader passes the file name stem) */
  defaultName?: string
}

function checkLabels(c: Record<string, unknown>, out: ConfigIssue[]): void {
  const labels = c.labels
  if (labels !== undefined && labels !== null && !isRecord(labels)) return // labelsSchema reports it
  const d = isRecord(c.data) ? c.data : {}
  let instrument: { defaultCostTicks: number; symbol: string } = { defaultCostTicks: 0, symbol: '?' }
  // An unknown instrument is reported at data.instrument; a stand-in cost keeps it from also
  // surfacing here as a missing labels.cost_ticks.
  try {
    if (typeof d.instrument === 'string') instrument = resolveInstrument(d.instrument, isRecord(d.custom_instrument) ? (d.custom_instrument as unknown as CustomInstrumentConfig) : undefined)
  } catch {
    /* reported by the data block */
  }
  collect(out, ['labels'], () => validateLabelConfig(labels ?? {}, 'labels', instrument))
}

export function pipelineSchema(opts: SchemaOptions = {}) {
  const catalog = opts.catalog ?? registryCatalog()
  const name = z.string({ error: 'expected a name (text)' }).min(1, 'must not be empty').default(opts.defaultName ?? 'pipeline')
  return mapping({
    name,
    seed: scalar(SEED_DEF, 'default'),
    device: choiceOf('device', DEVICES).default('auto'),
    data: dataSchema(),
    features: featuresSchema(),
    regime: regimeSchema(),
    labels: labelsSchema(),
    splits: splitsSchema().prefault({}),
    base_models: baseModelsSchema(catalog),
    ensemble: ensembleSchema(catalog),
    inference: inferenceSchema(catalog),
    policy: policySchema(catalog),
    bundle: mapping({
      create: z.boolean({ error: 'expected true or false' }).default(false),
      dir: z.string({ error: 'expected a folder path' }).optional(),
    }).prefault({}),
  }).superRefine((c, ctx) => {
    const out: ConfigIssue[] = []
    checkLabels(c as Record<string, unknown>, out)
    for (const i of out) addIssue(ctx, i.message, i.path, i.valid ? { valid: i.valid } : {})
  }, ALWAYS)
}

/** Schema problems of a raw (YAML-parsed) config, and the defaults-filled config when there are none. */
export function schemaIssues(raw: unknown, opts: SchemaOptions = {}): { config?: PipelineConfig; issues: ConfigIssue[] } {
  if (!isRecord(raw)) {
    const issue: ConfigIssue = { path: [], value: raw, stage: 'schema', message: `a pipeline config must be a mapping with data, base_models, …; got ${show(raw)}`, valid: [...TOP_KEYS] }
    return { issues: [issue] }
  }
  const r = pipelineSchema(opts).safeParse(raw)
  if (r.success) return { config: r.data as unknown as PipelineConfig, issues: [] }
  return { issues: r.error.issues.map((i) => fromZodIssue(i, raw)) }
}
