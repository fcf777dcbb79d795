import type { FloatArray } from '../../../contracts/component.ts'
import type { Rng } from '../../../data/rng.ts'

/**
 * Per-feature bin edges learned from training rows, and the binned (column-major) matrix that the
 * histogram builder reads. A value v falls in the first bin b with v <= upper[b]; the last real
 * bin's upper bound is +Infinity, so every finite value has a bin. NaN gets its own bin (index
 * `numBins[j]`, after the real bins), and each split learns which side it goes to, as LightGBM's
 * missing-value handling does (use_missing=true, zero_as_missing=false).
 */

export interface BinMapper {
  /** upper bounds per feature, ascending; the last is +Infinity */
  readonly upper: readonly Float64Array[]
  /** real (non-missing) bins per feature; the missing bin is at this index */
  readonly numBins: Int32Array
  /** offset of feature j's first bin in a node histogram (each feature has numBins+1 slots) */
  readonly offsets: Int32Array
  /** total histogram slots over all features (the last offset) */
  readonly totalBins: number
}

/** n rows × f features, bins stored feature by feature (column j at [j*n, (j+1)*n)). */
export interface BinnedMatrix {
  readonly n: number
  readonly f: number
  readonly bins: Uint8Array | Uint16Array
  readonly mapper: BinMapper
}

/** LightGBM's bin_construct_sample_cnt: quantiles from at most this many rows. */
export const BIN_SAMPLE_ROWS = 200_000

/**
 * Upper bounds for one feature from its (finite) sample values: as many bins as distinct values
 * when they fit, otherwise greedy equal-count bins where a value heavier than one bin's share gets
 * a bin to itself (the idea of LightGBM's GreedyFindBin). Bounds sit halfway between consecutive
 * distinct values, so a value seen in training never lies on a bound.
 */
export function featureBinUpper(sorted: Float64Array, maxBin: number): Float64Array {
  const m = sorted.length
  if (m === 0) return Float64Array.of(Infinity)
  const distinct: number[] = []
  const counts: number[] = []
  for (let i = 0; i < m; i++) {
    const v = sorted[i]
    if (distinct.length && distinct[distinct.length - 1] === v) counts[counts.length - 1]++
    else {
      distinct.push(v)
      counts.push(1)
    }
  }
  const d = distinct.length
  const out: number[] = []
  if (d <= maxBin) {
    for (let i = 0; i < d - 1; i++) out.push((distinct[i] + distinct[i + 1]) / 2)
  } else {
    let remaining = m
    let binsLeft = maxBin
    let acc = 0
    for (let i = 0; i < d - 1 && binsLeft > 1; i++) {
      acc += counts[i]
      const target = remaining / binsLeft
      // close the bin when it holds its share, or when the next value alone would overfill it
      if (acc >= target || acc + counts[i + 1] > target * 1.5) {
        out.push((distinct[i] + distinct[i + 1]) / 2)
        remaining -= acc
        binsLeft--
        acc = 0
      }
    }
  }
  out.push(Infinity)
  return Float64Array.from(out)
}

/** Bin index of v under `upper` (binary search for the first bound >= v); NaN → missing bin. */
export function binOf(upper: Float64Array, v: number): number {
  if (v !== v) return upper.length
  let lo = 0
  let hi = upper.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (v <= upper[mid]) hi = mid
    else lo = mid + 1
  }
  return lo
}

/**
 * Learn bin edges from row-major x (n × f). Rows are subsampled (seeded) to BIN_SAMPLE_ROWS when
 * n is larger, as LightGBM does, so binning stays O(f · sample log sample).
 */
export function fitBinMapper(x: FloatArray, n: number, f: number, maxBin: number, rng: Rng): BinMapper {
  let sample: Uint32Array
  if (n <= BIN_SAMPLE_ROWS) sample = Uint32Array.from({ length: n }, (_, i) => i)
  else {
    // partial Fisher–Yates: the first k slots become a uniform sample without replacement
    const all = Uint32Array.from({ length: n }, (_, i) => i)
    for (let i = 0; i < BIN_SAMPLE_ROWS; i++) {
      const j = i + rng.int(n - i)
      const t = all[i]
      all[i] = all[j]
      all[j] = t
    }
    sample = all.slice(0, BIN_SAMPLE_ROWS).sort()
  }
  const upper: Float64Array[] = []
  const numBins = new Int32Array(f)
  const offsets = new Int32Array(f + 1)
  const col = new Float64Array(sample.length)
  for (let j = 0; j < f; j++) {
    let k = 0
    for (let s = 0; s < sample.length; s++) {
      const v = x[sample[s] * f + j]
      if (v === v) col[k++] = v
    }
    const u = featureBinUpper(col.subarray(0, k).sort(), maxBin)
    upper.push(u)
    numBins[j] = u.length
    offsets[j + 1] = offsets[j] + u.length + 1
  }
  return { upper, numBins, offsets, totalBins: offsets[f] }
}

/** Bin every value of row-major x into a column-major matrix (Uint8 when all bins fit in 256). */
export function binMatrix(mapper: BinMapper, x: FloatArray, n: number, f: number): BinnedMatrix {
  let widest = 0
  for (let j = 0; j < f; j++) widest = Math.max(widest, mapper.numBins[j] + 1)
  const bins = widest <= 256 ? new Uint8Array(n * f) : new Uint16Array(n * f)
  for (let j = 0; j < f; j++) {
    const u = mapper.upper[j]
    const base = j * n
    for (let i = 0; i < n; i++) bins[base + i] = binOf(u, x[i * f + j])
  }
  return { n, f, bins, mapper }
}
