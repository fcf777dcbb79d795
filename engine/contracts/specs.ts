import { z } from 'zod'
import { ALL_OUTPUT_NAMES, OUTPUT_NAMES, VIEW_NAMES } from './outputs.ts'
import type { AnyOutputName, OutputName, ViewName } from './outputs.ts'
import { PARAM_TYPES, schemaProblems } from './params.ts'
import type { ParamSchema } from './params.ts'

/**
 * What each kind of plug-in declares about itself. Capabilities live here as data, so the
 * composer's palette, the config validator and `factory list` query specs and never inspect the
 * implementation (no instanceof). Specs are plain JSON: they cross the IPC boundary as they are.
 */

export const MODEL_FAMILIES = ['tabular', 'sequence', 'foundation'] as const
export type ModelFamily = (typeof MODEL_FAMILIES)[number]

/**
 * How a model wants its inputs scaled:
 * - `scaled`: needs the runner's scaler, fitted on each fold's train span (linear, neural models);
 * - `any`: invariant to monotone per-feature scaling, so scaling is skipped (trees);
 * - `raw`: must see unscaled values because it normalises internally (foundation models).
 */
export const NORMALIZATIONS = ['scaled', 'any', 'raw'] as const
export type Normalization = (typeof NORMALIZATIONS)[number]

export interface ModelNeeds {
  normalization: Normalization
  /** default window length in bars; required when inputView is `window_tensor` or `mtf_bundle` */
  lookback?: number
  /** fewest training rows the model can fit on (the validator checks each fold) */
  minTrainRows?: number
  /** fit() uses per-sample weights (e.g. label-uniqueness weights) when given */
  sampleWeights?: boolean
  /** fit() uses a validation set for early stopping when given */
  earlyStopping?: boolean
}

interface SpecBase {
  /** registry key, lower_snake as the YAML writes it */
  name: string
  /** one line for the palette and `factory list` */
  description: string
  /** hyper-parameters with types, ranges and defaults */
  defaults: ParamSchema
}

export interface ModelSpec extends SpecBase {
  family: ModelFamily
  inputView: ViewName
  outputs: readonly OutputName[]
  needs: ModelNeeds
  /** the prediction at bar t uses only inputs at bars ≤ t (checked by the conformance battery) */
  isCausal: boolean
  /** usable without fitting on this data (pretrained foundation models) */
  zeroShot: boolean
  needsGpu?: boolean
}

export const ENSEMBLE_METHODS = ['voting', 'stacking', 'blending', 'gating'] as const
export type EnsembleMethod = (typeof ENSEMBLE_METHODS)[number]

export interface EnsembleSpec extends SpecBase {
  method: EnsembleMethod
  /** name of the model-registry entry that learns the combination (stacking/blending) */
  metaLearner?: string
  /** how a gate weighs members, e.g. 'regime_hmm', 'softmax' (gating only) */
  gatingMethod?: string
  /** trains on out-of-fold base-model predictions (stacking), so every member must emit OOF */
  requiresOof: boolean
  /** accepts members with different input views / families */
  supportsHeterogeneous: boolean
  /** outputs it combines; each member must produce them */
  inputs: readonly OutputName[]
  outputs: readonly OutputName[]
}

export const INFERENCE_CATEGORIES = ['calibration', 'conformal'] as const
export type InferenceCategory = (typeof INFERENCE_CATEGORIES)[number]

export interface InferenceSpec extends SpecBase {
  category: InferenceCategory
  /** outputs that must exist upstream (e.g. CQR needs q05 and q95) */
  inputs: readonly AnyOutputName[]
  /** outputs it produces or replaces (a calibrator maps p_up to p_up) */
  outputs: readonly AnyOutputName[]
  /** fitted on a calibration span held out from the models' training */
  requiresHoldout: boolean
}

export const ACTION_SPACES = ['continuous', 'discrete'] as const
export type ActionSpace = (typeof ACTION_SPACES)[number]

export interface PolicySpec extends SpecBase {
  /** e.g. 'ppo', 'dqn', 'thompson_bandit' */
  algorithm: string
  inputs: readonly AnyOutputName[]
  outputs: readonly AnyOutputName[]
  actionSpace: ActionSpace
}

export type ComponentKind = 'model' | 'ensemble' | 'inference' | 'policy'
export type AnySpec = ModelSpec | EnsembleSpec | InferenceSpec | PolicySpec

// ---- runtime validation of specs (a malformed spec is a plug-in bug, refused at registration) ----

const nameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case (letters, digits, _)')
const paramDefSchema = z.looseObject({ type: z.enum(PARAM_TYPES as [string, ...string[]]) })
const paramSchemaSchema = z
  .record(z.string(), paramDefSchema)
  .superRefine((s, ctx) => {
    for (const p of schemaProblems(s as unknown as ParamSchema)) ctx.addIssue({ code: 'custom', message: p })
  })
const uniqueList = <T extends z.ZodType>(item: T, min: number) =>
  z.array(item).min(min).refine((a) => new Set(a).size === a.length, 'has duplicates')

const base = {
  name: nameSchema,
  description: z.string().min(1),
  defaults: paramSchemaSchema,
}

const modelSpecSchema = z
  .strictObject({
    ...base,
    family: z.enum(MODEL_FAMILIES),
    inputView: z.enum(VIEW_NAMES),
    outputs: uniqueList(z.enum(OUTPUT_NAMES), 1),
    needs: z.strictObject({
      normalization: z.enum(NORMALIZATIONS),
      lookback: z.int().positive().optional(),
      minTrainRows: z.int().positive().optional(),
      sampleWeights: z.boolean().optional(),
      earlyStopping: z.boolean().optional(),
    }),
    isCausal: z.boolean(),
    zeroShot: z.boolean(),
    needsGpu: z.boolean().optional(),
  })
  .refine((s) => s.inputView === 'feature_matrix' || s.needs.lookback !== undefined, {
    message: 'a window_tensor or mtf_bundle model must declare needs.lookback',
    path: ['needs', 'lookback'],
  })

const ensembleSpecSchema = z.strictObject({
  ...base,
  method: z.enum(ENSEMBLE_METHODS),
  metaLearner: nameSchema.optional(),
  gatingMethod: nameSchema.optional(),
  requiresOof: z.boolean(),
  supportsHeterogeneous: z.boolean(),
  inputs: uniqueList(z.enum(OUTPUT_NAMES), 1),
  outputs: uniqueList(z.enum(OUTPUT_NAMES), 1),
})

const inferenceSpecSchema = z.strictObject({
  ...base,
  category: z.enum(INFERENCE_CATEGORIES),
  inputs: uniqueList(z.enum(ALL_OUTPUT_NAMES), 1),
  outputs: uniqueList(z.enum(ALL_OUTPUT_NAMES), 1),
  requiresHoldout: z.boolean(),
})

const policySpecSchema = z.strictObject({
  ...base,
  algorithm: nameSchema,
  inputs: uniqueList(z.enum(ALL_OUTPUT_NAMES), 1),
  outputs: uniqueList(z.enum(ALL_OUTPUT_NAMES), 1),
  actionSpace: z.enum(ACTION_SPACES),
})

const SPEC_SCHEMAS: Record<ComponentKind, z.ZodType> = {
  model: modelSpecSchema,
  ensemble: ensembleSpecSchema,
  inference: inferenceSpecSchema,
  policy: policySpecSchema,
}

/** Problems with a spec, each as "path: message"; empty when the spec is well formed. */
export function specProblems(kind: ComponentKind, spec: unknown): string[] {
  const r = SPEC_SCHEMAS[kind].safeParse(spec)
  if (r.success) return []
  return r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(spec)'}: ${i.message}`)
}
