import { z } from 'zod'
import { paramIssues, validateParams } from '../../contracts/params.ts'
import type { ParamSchema } from '../../contracts/params.ts'
import type { SpecCatalog, SlotKind } from './catalog.ts'
import { SLOT_WORDS, findSpec, slotSpecs } from './catalog.ts'
import { parsePath } from './issues.ts'
import { ALWAYS, addIssue, mapping, nameOf, scalar } from './fields.ts'
import type { BaseModelConfig, ComponentRef, EnsembleConfig, InferenceConfig, UncertaintyConfig } from './types.ts'

/**
 * The component half of the config. Each slot's `name` is a closed set taken from the catalog
 * (a registry snapshot) at call time, and its `params` are judged by that spec's `defaults`
 * (engine/contracts/params.ts) — so an error names `base_models[1].params.learning_rate`, its value
 * and its range, and the parsed config carries every param filled with its default.
 */

const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/

function paramsOf(defaults: ParamSchema | undefined, params: unknown): Record<string, unknown> {
  if (!defaults) return (params ?? {}) as Record<string, unknown>
  return validateParams(defaults, params)
}

/** `{ name, params, ...extra }` for one slot kind; unknown names list the known ones. */
export function componentSchema<S extends z.ZodRawShape>(catalog: SpecCatalog, kind: SlotKind, extra: S) {
  const specs = slotSpecs(catalog, kind)
  return mapping({ name: nameOf(SLOT_WORDS[kind], specs.map((s) => s.name)), params: z.unknown().optional(), ...extra })
    .superRefine((c, ctx) => {
      const spec = findSpec(specs, c.name)
      if (!spec) return // the name's own issue says so; params cannot be judged without a spec
      for (const i of paramIssues(spec.defaults, c.params, 'params')) {
        const path = parsePath(i.path)
        const atKey = i.message.startsWith('unknown parameter')
        addIssue(ctx, i.message, path, { ...(i.valid ? { valid: i.valid } : {}), ...(atKey ? { atKey } : {}) })
      }
    }, ALWAYS)
    .transform((c) => ({ ...c, params: paramsOf(findSpec(specs, c.name)?.defaults, c.params) }))
}

const lookback = scalar({ type: 'int', default: null, nullable: true, min: 1, max: 100_000, description: 'window length T in bars' })
const useRegime = z.boolean({ error: 'expected true or false' }).optional()
const idField = z
  .string({ error: 'expected an id (letters, digits, _ or -, starting with a letter)' })
  .regex(ID_RE, 'expected an id of letters, digits, _ or -, starting with a letter')
  .optional()

export function baseModelsSchema(catalog: SpecCatalog) {
  const item = componentSchema(catalog, 'model', { id: idField, lookback, use_regime: useRegime })
  return z
    .array(item, { error: 'expected a list of base models, e.g. - { name: lightgbm, params: { … } }' })
    .min(1, 'at least one base model is required')
    .transform((models) => {
      // Default ids: the name, then name_2, name_3 … skipping ids given explicitly.
      const taken = new Set(models.map((m) => m.id).filter((x): x is string => x !== undefined))
      return models.map((m): BaseModelConfig => {
        const { id, lookback: lb, use_regime, ...rest } = m
        let chosen = id
        if (chosen === undefined) {
          chosen = m.name
          for (let k = 2; taken.has(chosen); k++) chosen = `${m.name}_${k}`
          taken.add(chosen)
        }
        return { id: chosen, ...rest, ...(lb !== undefined && lb !== null ? { lookback: lb as number } : {}), ...(use_regime !== undefined ? { use_regime } : {}) }
      })
    })
}

function ref(catalog: SpecCatalog, kind: SlotKind) {
  return componentSchema(catalog, kind, {}) as unknown as z.ZodType<ComponentRef>
}

export function ensembleSchema(catalog: SpecCatalog) {
  return componentSchema(catalog, 'ensemble', {
    meta_learner: ref(catalog, 'meta_learner').optional(),
    gating: ref(catalog, 'gate').optional(),
    use_regime: useRegime,
  })
    .transform((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as EnsembleConfig)
    .nullable()
    .default(null)
}

export function inferenceSchema(catalog: SpecCatalog) {
  const uncertainty = componentSchema(catalog, 'uncertainty', {
    coverage: scalar({ type: 'number', default: null, nullable: true, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, description: 'target interval coverage' }),
  }).transform((u) => Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined && v !== null)) as unknown as UncertaintyConfig)
  return mapping({
    calibrate: z.array(ref(catalog, 'calibrator'), { error: 'expected a list of calibrators, applied in order' }).default([]),
    uncertainty: uncertainty.optional(),
  })
    .transform((i) => (i.uncertainty === undefined ? { calibrate: i.calibrate } : i) as InferenceConfig)
    .nullable()
    .default(null)
}

export function policySchema(catalog: SpecCatalog) {
  return ref(catalog, 'policy').nullable().default(null)
}
