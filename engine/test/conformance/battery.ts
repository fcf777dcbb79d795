import assert from 'node:assert/strict'
import type { ComponentKind } from '../../contracts/specs.ts'
import { ensembleRegistry, inferenceRegistry, modelRegistry, policyRegistry } from '../../registry/index.ts'
import type { Check } from './checks.ts'
import { MODEL_HINTS } from './hints.ts'
import { MODEL_CHECKS, modelSubject } from './modelBattery.ts'
import type { ModelHint } from './modelBattery.ts'
import { INFERENCE_CHECKS, INFERENCE_HINTS, inferenceSubject } from './inferenceBattery.ts'
import { ENSEMBLE_CHECKS, ENSEMBLE_HINTS, ensembleSubject } from './ensembleBattery.ts'

/**
 * One battery per component kind: the registry it walks, how it builds a subject (a component
 * plus synthetic data of the right shape) and the checks it runs. conformance.test.ts iterates
 * every entry of every registry through this table.
 *
 * Extension point: ensembles, inference methods and policies get their battery here (a
 * `<kind>Battery.ts` with a data generator for their inputs — member OOF predictions, p_up with
 * labels, q05/q95 with returns, a trading environment — and checks of the same style). Until
 * then their entry is null, and conformance.test.ts fails as soon as such a registry holds an
 * entry, so nothing ships untested.
 */
export interface BoundCheck {
  name: string
  /** reason to skip, or undefined */
  skip: string | undefined
  run: () => Promise<void>
}

export interface KindBattery {
  names(): string[]
  /** the battery's checks bound to one entry (its subject built once, shared by the checks) */
  checksFor(name: string): BoundCheck[]
}

/** Bind a kind's checks to one subject. */
export function bind<S>(checks: readonly Check<S>[], subject: S): BoundCheck[] {
  return checks.map((c) => ({ name: c.name, skip: c.skip?.(subject), run: () => c.run(subject) }))
}

export const REGISTRIES = {
  model: modelRegistry,
  ensemble: ensembleRegistry,
  inference: inferenceRegistry,
  policy: policyRegistry,
} as const

const modelBattery: KindBattery = {
  names: () => modelRegistry.names(),
  checksFor: (name) => {
    const entry = modelRegistry.get(name)
    const why = entry.unavailable?.()
    if (why !== undefined) return [{ name: 'available on this machine', skip: why, run: async () => {} }]
    const { spec, factory } = entry
    const hint = MODEL_HINTS[name]
    const variants: readonly ModelHint[] = hint === undefined ? [{}] : Array.isArray(hint) ? hint : [hint as ModelHint]
    const subjects = variants.map((v) => ({ label: v.label, subject: modelSubject(spec, factory, v) }))
    const checks = subjects.flatMap(({ label, subject }) =>
      bind(MODEL_CHECKS, subject).map((c) => (label && variants.length > 1 ? { ...c, name: `[${label}] ${c.name}` } : c)),
    )
    const coverage: BoundCheck = {
      name: 'coverage: the battery variants together produce every output the spec declares',
      skip: undefined,
      run: async () => {
        const seen = new Set(subjects.flatMap(({ subject }) => subject.outputs))
        const missing = spec.outputs.filter((o) => !seen.has(o))
        assert.deepEqual(missing, [], `declared outputs ${missing.join(', ')} are produced by no checked configuration; add a variant for '${name}' in engine/test/conformance/hints.ts`)
      },
    }
    return [coverage, ...checks]
  },
}

const inferenceBattery: KindBattery = {
  names: () => inferenceRegistry.names(),
  checksFor: (name) => {
    const { spec, factory } = inferenceRegistry.get(name)
    return bind(INFERENCE_CHECKS, inferenceSubject(spec, factory, INFERENCE_HINTS[name]))
  },
}

const ensembleBattery: KindBattery = {
  names: () => ensembleRegistry.names(),
  checksFor: (name) => {
    const { spec, factory } = ensembleRegistry.get(name)
    const variants = ENSEMBLE_HINTS[name] ?? [{}]
    const subjects = variants.map((v) => ({ label: v.label, subject: ensembleSubject(spec, factory, v) }))
    const checks = subjects.flatMap(({ label, subject }) =>
      bind(ENSEMBLE_CHECKS, subject).map((c) => (label && variants.length > 1 ? { ...c, name: `[${label}] ${c.name}` } : c)),
    )
    const coverage: BoundCheck = {
      name: 'coverage: the battery variants together produce every output the spec declares',
      skip: undefined,
      run: async () => {
        const seen = new Set(subjects.flatMap(({ subject }) => subject.outputs))
        const missing = spec.outputs.filter((o) => !seen.has(o))
        assert.deepEqual(missing, [], `declared outputs ${missing.join(', ')} are produced by no checked configuration; add a variant for '${name}' in ENSEMBLE_HINTS (engine/test/conformance/ensembleBattery.ts)`)
      },
    }
    return [coverage, ...checks]
  },
}

export const BATTERIES: { readonly [K in ComponentKind]: KindBattery | null } = {
  model: modelBattery,
  ensemble: ensembleBattery,
  inference: inferenceBattery,
  policy: null,
}
