import type { IndexRange } from '../../data/splits/spec.ts'
import { RangeBuilder } from '../../data/splits/ranges.ts'

/**
 * Which bars are samples a model may train or be scored on. Sample i is USABLE iff
 *   its feature row is valid (every feature finite), its label is valid (labels.valid[i]),
 *   and its forward return is finite;
 * for a window model additionally iff all T rows of the window ending at i are valid feature
 * rows (a window never reaches past i, so this adds only a warm-up, never a look-ahead).
 * Fold training rows = fold.train ∩ usable; test rows = the fold's test span(s) ∩ usable.
 */

export function usableMask(featureValid: Uint8Array, labelValid: Uint8Array, ret: Float64Array): Uint8Array {
  const n = featureValid.length
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const r = ret[i]
    out[i] = featureValid[i] && labelValid[i] && r - r === 0 ? 1 : 0
  }
  return out
}

/** usable[i] && rows i−T+1..i are all valid feature rows (bars before T−1 have no full window). */
export function windowUsableMask(usable: Uint8Array, featureValid: Uint8Array, T: number): Uint8Array {
  const n = usable.length
  const out = new Uint8Array(n)
  let run = 0 // valid feature rows ending at i
  for (let i = 0; i < n; i++) {
    run = featureValid[i] ? run + 1 : 0
    out[i] = usable[i] && run >= T ? 1 : 0
  }
  return out
}

/** ranges ∩ {i : mask[i] = 1}, as ascending ranges plus a count. */
export function maskRanges(ranges: readonly IndexRange[], mask: Uint8Array): { ranges: IndexRange[]; count: number } {
  const b = new RangeBuilder()
  for (const r of ranges) for (let i = r.start; i < r.end; i++) if (mask[i]) b.push(i)
  return { ranges: b.ranges, count: b.count }
}

export function rangeIndices(ranges: readonly IndexRange[]): Int32Array {
  let n = 0
  for (const r of ranges) n += r.end - r.start
  const out = new Int32Array(n)
  let k = 0
  for (const r of ranges) for (let i = r.start; i < r.end; i++) out[k++] = i
  return out
}

export function lastEnd(ranges: readonly IndexRange[]): number {
  return ranges.length ? ranges[ranges.length - 1].end : 0
}
