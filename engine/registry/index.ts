import type { AnyOutputName, OutputName, ViewName } from '../contracts/outputs.ts'
import { specProblems } from '../contracts/specs.ts'
import type {
  ActionSpace,
  EnsembleMethod,
  EnsembleSpec,
  InferenceCategory,
  InferenceSpec,
  ModelFamily,
  ModelSpec,
  PolicySpec,
} from '../contracts/specs.ts'
import type { Component, ComponentFactory, ComponentOptions, SavedComponent } from '../contracts/component.ts'
import { Registry, type RegisterOptions } from './registry.ts'
import { FactoryError } from '../contracts/errors.ts'

/**
 * The four registries. A plug-in file ends with `registerModel(spec, factory)` (or a twin), and an
 * index import of that file is all it takes to appear in the YAML schema, the palette and
 * `factory list`. Queries go through the declared specs.
 */

export type ModelFactory = ComponentFactory<ModelSpec>
export type EnsembleFactory = ComponentFactory<EnsembleSpec>
export type InferenceFactory = ComponentFactory<InferenceSpec>
export type PolicyFactory = ComponentFactory<PolicySpec>

export const modelRegistry = new Registry<ModelSpec, ModelFactory>('model', { check: (s) => specProblems('model', s) })
export const ensembleRegistry = new Registry<EnsembleSpec, EnsembleFactory>('ensemble', { check: (s) => specProblems('ensemble', s) })
export const inferenceRegistry = new Registry<InferenceSpec, InferenceFactory>('inference method', { check: (s) => specProblems('inference', s) })
export const policyRegistry = new Registry<PolicySpec, PolicyFactory>('policy', { check: (s) => specProblems('policy', s) })

export function registerModel(spec: ModelSpec, factory: ModelFactory, opts: RegisterOptions = {}): void {
  modelRegistry.register(spec, factory, opts)
}
export function registerEnsemble(spec: EnsembleSpec, factory: EnsembleFactory): void {
  ensembleRegistry.register(spec, factory)
}
export function registerInference(spec: InferenceSpec, factory: InferenceFactory): void {
  inferenceRegistry.register(spec, factory)
}
export function registerPolicy(spec: PolicySpec, factory: PolicyFactory): void {
  policyRegistry.register(spec, factory)
}

/**
 * Build a component by registry name. `opts.paramPath` (e.g. `base_models[1].params`) makes a bad
 * parameter's error point at the YAML; `namePath` does the same for an unknown name.
 */
export function createModel(name: string, params: unknown, opts: ComponentOptions = {}, namePath?: string): Component<ModelSpec> {
  return modelRegistry.get(name, namePath).factory(params, opts)
}
export function createEnsemble(name: string, params: unknown, opts: ComponentOptions = {}, namePath?: string): Component<EnsembleSpec> {
  return ensembleRegistry.get(name, namePath).factory(params, opts)
}
export function createInference(name: string, params: unknown, opts: ComponentOptions = {}, namePath?: string): Component<InferenceSpec> {
  return inferenceRegistry.get(name, namePath).factory(params, opts)
}
export function createPolicy(name: string, params: unknown, opts: ComponentOptions = {}, namePath?: string): Component<PolicySpec> {
  return policyRegistry.get(name, namePath).factory(params, opts)
}

/** Rebuild a saved component through its registry (same name, params and seed) and load its state. */
export function restoreComponent(saved: SavedComponent): Component {
  const { kind, name, params, seed } = saved.config
  const opts = { seed }
  const c =
    kind === 'model' ? createModel(name, params, opts)
    : kind === 'ensemble' ? createEnsemble(name, params, opts)
    : kind === 'inference' ? createInference(name, params, opts)
    : kind === 'policy' ? createPolicy(name, params, opts)
    : undefined
  if (!c) throw new FactoryError('E_CONFIG', `saved component has unknown kind '${String(kind)}'; known: model, ensemble, inference, policy`, { value: kind, valid: ['model', 'ensemble', 'inference', 'policy'] })
  c.load(saved)
  return c
}

// ---- capability queries: every condition given must hold ----

export interface ModelQuery {
  /** produces every one of these */
  outputs?: readonly OutputName[]
  inputView?: ViewName
  family?: ModelFamily
  isCausal?: boolean
  zeroShot?: boolean
  /** false = only models that run without a GPU */
  needsGpu?: boolean
}

export function findModels(q: ModelQuery = {}): ModelSpec[] {
  return modelRegistry.list(
    (s) =>
      (q.outputs ?? []).every((o) => s.outputs.includes(o)) &&
      (q.inputView === undefined || s.inputView === q.inputView) &&
      (q.family === undefined || s.family === q.family) &&
      (q.isCausal === undefined || s.isCausal === q.isCausal) &&
      (q.zeroShot === undefined || s.zeroShot === q.zeroShot) &&
      (q.needsGpu === undefined || (s.needsGpu ?? false) === q.needsGpu),
  )
}

export function findEnsembles(q: { method?: EnsembleMethod; requiresOof?: boolean; supportsHeterogeneous?: boolean } = {}): EnsembleSpec[] {
  return ensembleRegistry.list(
    (s) =>
      (q.method === undefined || s.method === q.method) &&
      (q.requiresOof === undefined || s.requiresOof === q.requiresOof) &&
      (q.supportsHeterogeneous === undefined || s.supportsHeterogeneous === q.supportsHeterogeneous),
  )
}

/** `available`: outputs present upstream; keeps only methods whose inputs are all among them. */
export function findInference(q: { category?: InferenceCategory; produces?: AnyOutputName; available?: readonly AnyOutputName[] } = {}): InferenceSpec[] {
  return inferenceRegistry.list(
    (s) =>
      (q.category === undefined || s.category === q.category) &&
      (q.produces === undefined || s.outputs.includes(q.produces)) &&
      (q.available === undefined || s.inputs.every((i) => q.available!.includes(i))),
  )
}

export function findPolicies(q: { actionSpace?: ActionSpace; available?: readonly AnyOutputName[] } = {}): PolicySpec[] {
  return policyRegistry.list(
    (s) =>
      (q.actionSpace === undefined || s.actionSpace === q.actionSpace) &&
      (q.available === undefined || s.inputs.every((i) => q.available!.includes(i))),
  )
}

/** Everything registered, as JSON-ready specs (what `factory list --json` prints). */
export function listAll(): { models: ModelSpec[]; ensembles: EnsembleSpec[]; inference: InferenceSpec[]; policies: PolicySpec[] } {
  return { models: modelRegistry.list(), ensembles: ensembleRegistry.list(), inference: inferenceRegistry.list(), policies: policyRegistry.list() }
}
