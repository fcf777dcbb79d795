import type { EnsembleSpec, InferenceSpec, ModelSpec, PolicySpec } from '../../contracts/specs.ts'
import { listAll } from '../../registry/index.ts'

/**
 * The specs a config is checked against: by default a snapshot of the four registries taken at
 * call time (so a plug-in file imported later appears in the enums, the params checks and the
 * JSON Schema). Being plain JSON — the same shape `factory list --json` prints — a catalog can also
 * come from elsewhere (tests, a spec list received over IPC).
 */
export interface SpecCatalog {
  models: readonly ModelSpec[]
  ensembles: readonly EnsembleSpec[]
  inference: readonly InferenceSpec[]
  policies: readonly PolicySpec[]
}

export function registryCatalog(): SpecCatalog {
  return listAll()
}

export function findSpec<S extends { name: string }>(specs: readonly S[], name: unknown): S | undefined {
  return typeof name === 'string' ? specs.find((s) => s.name === name) : undefined
}

/** The kinds of component slot in a config, each with its YAML wording and its candidate specs. */
export type SlotKind = 'model' | 'meta_learner' | 'ensemble' | 'gate' | 'calibrator' | 'uncertainty' | 'policy'

export const SLOT_WORDS: Record<SlotKind, string> = {
  model: 'model',
  meta_learner: 'meta-learner model',
  ensemble: 'ensemble',
  gate: 'gate',
  calibrator: 'calibrator',
  uncertainty: 'uncertainty method',
  policy: 'policy',
}

/** Which specs may fill a slot: gates are ensembles of method 'gating', calibrators and uncertainty
 *  methods are inference entries of category calibration and conformal. */
export function slotSpecs(c: SpecCatalog, kind: SlotKind): readonly { name: string; defaults: ModelSpec['defaults'] }[] {
  switch (kind) {
    case 'model':
    case 'meta_learner':
      return c.models
    case 'ensemble':
      return c.ensembles
    case 'gate':
      return c.ensembles.filter((s) => s.method === 'gating')
    case 'calibrator':
      return c.inference.filter((s) => s.category === 'calibration')
    case 'uncertainty':
      return c.inference.filter((s) => s.category === 'conformal')
    case 'policy':
      return c.policies
  }
}
