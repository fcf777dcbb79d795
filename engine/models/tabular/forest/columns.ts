import type { FloatArray } from '../../../contracts/component.ts'

/**
 * The training matrix as the tree builder reads it: feature-major columns (a split search walks
 * one feature over a node's rows, so a column is one contiguous block), and — for best-split
 * search — each column's rows in ascending value order, computed once per forest and filtered per
 * tree, so no node ever sorts.
 *
 * Columns are Float64Array whatever the input type: one element type keeps the hot loops
 * monomorphic, and float32 inputs convert exactly.
 */
export interface ColumnMatrix {
  n: number
  f: number
  /** cols[j * n + i] = x[i, j] */
  cols: Float64Array
}

export function toColumns(x: FloatArray, n: number, f: number): ColumnMatrix {
  const cols = new Float64Array(n * f)
  for (let i = 0, o = 0; i < n; i++, o += f) for (let j = 0; j < f; j++) cols[j * n + i] = x[o + j]
  return { n, f, cols }
}

/**
 * order[j * n + k] = the row with the k-th smallest value of column j (ties by row index).
 *
 * A comparator sort over an index array pays a callback per comparison (~100 ns); instead the
 * values are sorted natively, each row finds its value's rank by binary search among the distinct
 * values, and a counting sort by rank places the rows — stable, so ties keep row order.
 */
export function presortColumns(m: ColumnMatrix): Int32Array {
  const { n, f, cols } = m
  const order = new Int32Array(n * f)
  const sorted = new Float64Array(n)
  const rank = new Int32Array(n)
  const start = new Int32Array(n + 1)
  for (let j = 0; j < f; j++) {
    const col = cols.subarray(j * n, (j + 1) * n)
    sorted.set(col)
    sorted.sort()
    // distinct values in place; −0 and +0 compare equal, as the splits treat them
    let u = 0
    for (let k = 0; k < n; k++) if (u === 0 || sorted[k] !== sorted[u - 1]) sorted[u++] = sorted[k]
    start.fill(0, 0, u + 1)
    for (let i = 0; i < n; i++) {
      const v = col[i]
      let lo = 0
      let hi = u - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (sorted[mid] < v) lo = mid + 1
        else hi = mid
      }
      rank[i] = lo
      start[lo + 1]++
    }
    for (let r = 0; r < u; r++) start[r + 1] += start[r]
    const base = j * n
    for (let i = 0; i < n; i++) order[base + start[rank[i]]++] = i
  }
  return order
}
