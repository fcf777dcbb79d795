import type { BinnedMatrix } from './binning.ts'

/**
 * Node histograms: for every feature bin, the sums of gradient, hessian and row count of the rows
 * in one node. Layout: slot s of the node (feature j's bin b is s = offsets[j] + b) occupies
 * [3s, 3s+3) = (Σg, Σh, count). Counts are exact rather than estimated from the hessian (LightGBM
 * estimates them), so min_data_in_leaf holds exactly under weights and bagging.
 *
 * buildHistogram is a pure function of (bins, gradients, rows, features) writing into `out`, so it
 * can run on any slice of the features in a worker thread and the slices be merged by copy.
 */

export const SLOT = 3

/**
 * Fill `out` for `features` over the node's rows. `g`/`h` are the node's gradients already gathered
 * in row order (g[i] belongs to rows[i]): gathering once per node, not once per feature, keeps the
 * inner loop to one indirect read (the bin) instead of three. `rows === null` means rows 0..n-1.
 */
export function buildHistogram(
  binned: BinnedMatrix,
  rows: Uint32Array | null,
  g: Float64Array,
  h: Float64Array,
  features: Int32Array,
  out: Float64Array,
): void {
  const { n, bins, mapper } = binned
  const off = mapper.offsets
  const m = rows ? rows.length : n
  const nf = features.length
  // literal 3 (not SLOT) in hot loops: an imported binding can cost a getter call per use
  for (let k = 0; k < nf; k++) out.fill(0, off[features[k]] * 3, off[features[k] + 1] * 3)
  let k = 0
  // four features per pass over the rows: the row index and its g/h are read once for four
  // bin updates, which measured 1.9× faster than one feature per pass
  for (; k + 4 <= nf; k += 4) {
    const j0 = features[k], j1 = features[k + 1], j2 = features[k + 2], j3 = features[k + 3]
    const b0 = off[j0] * 3, b1 = off[j1] * 3, b2 = off[j2] * 3, b3 = off[j3] * 3
    const c0 = j0 * n, c1 = j1 * n, c2 = j2 * n, c3 = j3 * n
    for (let i = 0; i < m; i++) {
      const r = rows ? rows[i] : i
      const gi = g[i], hi = h[i]
      let s = b0 + bins[c0 + r] * 3
      out[s] += gi; out[s + 1] += hi; out[s + 2] += 1
      s = b1 + bins[c1 + r] * 3
      out[s] += gi; out[s + 1] += hi; out[s + 2] += 1
      s = b2 + bins[c2 + r] * 3
      out[s] += gi; out[s + 1] += hi; out[s + 2] += 1
      s = b3 + bins[c3 + r] * 3
      out[s] += gi; out[s + 1] += hi; out[s + 2] += 1
    }
  }
  for (; k < nf; k++) {
    const j = features[k]
    const b0 = off[j] * 3, c0 = j * n
    for (let i = 0; i < m; i++) {
      const s = b0 + bins[c0 + (rows ? rows[i] : i)] * 3
      out[s] += g[i]; out[s + 1] += h[i]; out[s + 2] += 1
    }
  }
}

/** out = parent − child for `features` (the subtraction trick: the larger child costs O(bins)). */
export function subtractHistogram(binned: BinnedMatrix, parent: Float64Array, child: Float64Array, features: Int32Array, out: Float64Array): void {
  const off = binned.mapper.offsets
  for (let k = 0; k < features.length; k++) {
    const j = features[k]
    for (let s = off[j] * 3, e = off[j + 1] * 3; s < e; s++) out[s] = parent[s] - child[s]
  }
}
