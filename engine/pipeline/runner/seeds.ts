/**
 * Seed derivation for the per-(model, fold) fits.
 *
 *   seed(model, fold) = mix32(fnv1a32(`${configSeed}\u0000${modelId}\u0000${foldTag}`))
 *
 * foldTag is the fold number in decimal for walk-forward folds / CPCV splits and the string
 * 'final' for the final refit. FNV-1a (32-bit) hashes the UTF-8 bytes; mix32 is the murmur3
 * finaliser, so neighbouring folds get unrelated seeds. The result is an integer in [0, 2^32).
 *
 * Why a hash of (seed, id, fold) rather than one RNG stream drawn in loop order: a model's seed
 * must not depend on which other models are in the config or in what order they run, so adding
 * a model to a pipeline leaves every other model's predictions bit-identical.
 */
export function deriveSeed(configSeed: number, modelId: string, fold: number | 'final'): number {
  const text = `${configSeed}\u0000${modelId}\u0000${fold}`
  const bytes = new TextEncoder().encode(text)
  let h = 0x811c9dc5
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0
  return mix32(h)
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}
