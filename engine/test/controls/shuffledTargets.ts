// The permutation control's model: any registered model, trained on targets shuffled across the
// training rows. Test-only. The runner has no hook for this on purpose (a production run never
// shuffles), so the shuffle sits where the runner hands data to a model: in fit().
import type { Component, ComponentConfig, FitData, SavedComponent, Targets } from '../../contracts/component.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import { createRng, type Rng } from '../../data/rng.ts'
import { createModel, modelRegistry, registerModel } from '../../registry/index.ts'

export const SHUFFLED_PREFIX = 'shuffled_'

/** What each shuffled fit received, in call order, so the test can prove the shuffle happened. */
export const shuffleLog: { model: string; rows: number; moved: number; positivesBefore: number; positivesAfter: number }[] = []

/** Fisher–Yates permutation of 0..n-1. */
function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = p[i]
    p[i] = p[j]
    p[j] = t
  }
  return p
}

/**
 * Every target permuted by ONE permutation, so label and ret stay paired with each other but no
 * longer with their rows' features: whatever a model then finds is noise (or a leak).
 */
function shuffleTargets(y: Targets, rows: number, rng: Rng): Targets {
  const p = permutation(rows, rng)
  const out: Record<string, Float64Array> = {}
  for (const [name, v] of Object.entries(y)) out[name] = Float64Array.from(p, (k) => v[k])
  return out
}

class ShuffledTargets implements Component<ModelSpec> {
  readonly kind = 'model' as const
  constructor(
    readonly spec: ModelSpec,
    private readonly inner: Component<ModelSpec>,
    private readonly seed: number,
  ) {}

  get fitted(): boolean {
    return this.inner.fitted
  }
  get outputs() {
    return this.inner.outputs
  }

  fit(data: FitData, opts?: Parameters<Component['fit']>[1]) {
    const rng = createRng(this.seed ^ 0x5eed5eed)
    const n = data.x.shape[0]
    if (!data.y) return this.inner.fit(data, opts)
    const y = shuffleTargets(data.y, n, rng)
    const label = data.y.label
    if (label) {
      let moved = 0, before = 0, after = 0
      for (let i = 0; i < n; i++) {
        if (label[i] !== y.label[i]) moved++
        before += label[i]
        after += y.label[i]
      }
      shuffleLog.push({ model: this.spec.name, rows: n, moved, positivesBefore: before, positivesAfter: after })
    }
    // the inner validation rows are training data too (early stopping reads them): shuffled alike
    const valid = data.valid?.y ? { ...data.valid, y: shuffleTargets(data.valid.y, data.valid.x.shape[0], rng) } : data.valid
    return this.inner.fit({ ...data, y, ...(valid ? { valid } : {}) }, opts)
  }

  predict(x: Parameters<Component['predict']>[0], opts?: Parameters<Component['predict']>[1]) {
    return this.inner.predict(x, opts)
  }
  save(): SavedComponent {
    const s = this.inner.save()
    return { ...s, config: { ...s.config, name: this.spec.name } }
  }
  load(saved: SavedComponent): void {
    this.inner.load({ ...saved, config: { ...saved.config, name: this.inner.spec.name } })
  }
  getConfig(): ComponentConfig {
    return { ...this.inner.getConfig(), name: this.spec.name }
  }
}

/** Register `shuffled_<name>` for a registered model (idempotent); returns the new name. */
export function registerShuffled(name: string): string {
  const wrapped = SHUFFLED_PREFIX + name
  if (modelRegistry.has(wrapped)) return wrapped
  const spec: ModelSpec = { ...modelRegistry.spec(name), name: wrapped, description: `${name} trained on targets shuffled across its training rows (permutation control, tests only)` }
  registerModel(spec, (params, opts = {}) => new ShuffledTargets(modelRegistry.spec(wrapped), createModel(name, params, opts), opts.seed ?? 0))
  return wrapped
}
