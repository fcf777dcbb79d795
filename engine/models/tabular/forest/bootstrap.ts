import type { Rng } from '../../../data/rng.ts'

/**
 * Per-tree row weights: scikit-learn's bootstrap draws `draws` row indices uniformly with
 * replacement and fits the tree with sample_weight × (times drawn); rows never drawn get weight 0
 * and take no part in that tree. Without bootstrap every tree sees the sample weights as given.
 */
export function bootstrapWeights(n: number, draws: number, base: Float64Array | undefined, rng: Rng, out: Float64Array): Float64Array {
  out.fill(0)
  for (let d = 0; d < draws; d++) out[rng.int(n)]++
  if (base) for (let i = 0; i < n; i++) out[i] *= base[i]
  return out
}

/** scikit-learn's bootstrap size for a float max_samples: max(round(n · fraction), 1). */
export function bootstrapDraws(n: number, maxSamples: number | null): number {
  if (maxSamples === null) return n
  return Math.max(1, Math.round(n * maxSamples))
}

export type MaxFeatures = 'sqrt' | 'log2' | 'all' | 'fraction' | 'count'

/**
 * Features visited per node, as scikit-learn resolves max_features: sqrt → max(1, ⌊√f⌋),
 * log2 → max(1, ⌊log₂ f⌋), a fraction → max(1, ⌊fraction · f⌋), a count as given. Returns a
 * message instead of a number when a count exceeds f.
 */
export function resolveMaxFeatures(f: number, mode: MaxFeatures, fraction: number, count: number): number | string {
  switch (mode) {
    case 'sqrt':
      return Math.max(1, Math.floor(Math.sqrt(f)))
    case 'log2':
      return Math.max(1, Math.floor(Math.log2(f)))
    case 'all':
      return f
    case 'fraction':
      return Math.max(1, Math.floor(fraction * f))
    case 'count':
      return count <= f ? count : `max_features_count ${count} exceeds the ${f} input features; valid: 1..${f}`
  }
}
