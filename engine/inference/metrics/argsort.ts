/**
 * Stable ascending argsort of a Float64Array, restricted to chosen rows. Ranking metrics (AUC,
 * Spearman) sort once; a comparator sort over an index array costs ~100 ns per comparison through
 * the callback, so past a few thousand rows this uses an LSD radix sort on the IEEE-754 bits
 * (16-bit digits, four passes, passes whose digit is constant skipped), which is linear and keeps
 * the index beside its key so no pass reads memory at random.
 */

const RADIX_MIN_ROWS = 2048

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Positions of `rows` (default: every row) ordered by values[row] ascending; equal values keep
 * their order in `rows`. The values at those rows must not be NaN. −0 and +0 are equal.
 */
export function argsort(values: Float64Array, rows?: Uint32Array): Uint32Array {
  return sortRows(values, rows).order
}

export interface SortedRows {
  /** rows in ascending order of their value */
  order: Uint32Array
  /** sorted[k] = values[order[k]] (−0 read as +0): lets callers walk the sorted values without random reads */
  sorted: Float64Array
}

/** argsort() that also hands back the values in sorted order. */
export function sortRows(values: Float64Array, rows?: Uint32Array): SortedRows {
  const m = rows === undefined ? values.length : rows.length
  const idx = new Uint32Array(m)
  if (rows === undefined) for (let i = 0; i < m; i++) idx[i] = i
  else idx.set(rows)
  if (m < RADIX_MIN_ROWS) {
    // Tie-break on the position keeps the order stable whatever the engine's sort does.
    const pos = new Uint32Array(m)
    for (let k = 0; k < m; k++) pos[k] = k
    pos.sort((a, b) => values[idx[a]] - values[idx[b]] || a - b)
    const order = new Uint32Array(m)
    const sorted = new Float64Array(m)
    for (let k = 0; k < m; k++) {
      order[k] = idx[pos[k]]
      sorted[k] = values[order[k]] + 0
    }
    return { order, sorted }
  }
  return radixSortRows(values, idx)
}

function radixSortRows(values: Float64Array, idx: Uint32Array): SortedRows {
  const m = idx.length
  const f = new Float64Array(m)
  for (let i = 0; i < m; i++) f[i] = values[idx[i]] + 0 // + 0 turns −0 into +0
  const words = new Uint32Array(f.buffer)
  let lo = new Uint32Array(m)
  let hi = new Uint32Array(m)
  const loWord = LITTLE_ENDIAN ? 0 : 1
  for (let i = 0; i < m; i++) {
    let h = words[2 * i + 1 - loWord]
    let l = words[2 * i + loWord]
    // Order-preserving map from double to unsigned: flip everything for negatives, the sign bit otherwise.
    if (h & 0x80000000) {
      h = ~h >>> 0
      l = ~l >>> 0
    } else h = (h | 0x80000000) >>> 0
    hi[i] = h
    lo[i] = l
  }
  const counts = new Uint32Array(4 * 65536)
  for (let i = 0; i < m; i++) {
    const l = lo[i]
    const h = hi[i]
    counts[l & 0xffff]++
    counts[65536 + (l >>> 16)]++
    counts[131072 + (h & 0xffff)]++
    counts[196608 + (h >>> 16)]++
  }
  let lo2 = new Uint32Array(m)
  let hi2 = new Uint32Array(m)
  let idx2: Uint32Array = new Uint32Array(m)
  let src: Uint32Array = idx
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536
    const useHi = pass >= 2
    const shift = (pass & 1) === 1 ? 16 : 0
    const firstDigit = ((useHi ? hi[0] : lo[0]) >>> shift) & 0xffff
    if (counts[base + firstDigit] === m) continue // every key has this digit: the pass would not move anything
    let sum = 0
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d]
      counts[base + d] = sum
      sum += c
    }
    const keys = useHi ? hi : lo
    for (let i = 0; i < m; i++) {
      const d = (keys[i] >>> shift) & 0xffff
      const at = counts[base + d]++
      idx2[at] = src[i]
      lo2[at] = lo[i]
      hi2[at] = hi[i]
    }
    ;[src, idx2] = [idx2, src]
    ;[lo, lo2] = [lo2, lo]
    ;[hi, hi2] = [hi2, hi]
  }
  // Undo the key map in place of the scratch doubles: the sorted values, read sequentially.
  for (let i = 0; i < m; i++) {
    let h = hi[i]
    let l = lo[i]
    if (h & 0x80000000) h = (h & 0x7fffffff) >>> 0
    else {
      h = ~h >>> 0
      l = ~l >>> 0
    }
    words[2 * i + 1 - loWord] = h
    words[2 * i + loWord] = l
  }
  return { order: src, sorted: f }
}

/**
 * 1-based ranks of values[rows[k]] among the chosen rows, ties sharing the mean of their ranks
 * (scipy.stats.rankdata(method='average')). Output position k belongs to rows[k].
 */
export function averageRanks(values: Float64Array, rows?: Uint32Array): Float64Array {
  const m = rows === undefined ? values.length : rows.length
  // Rank positions within `rows`, not raw rows, so the output lines up with `rows`.
  const local = new Float64Array(m)
  for (let k = 0; k < m; k++) local[k] = values[rows === undefined ? k : rows[k]]
  const { order, sorted } = sortRows(local)
  const ranks = new Float64Array(m)
  let i = 0
  while (i < m) {
    let j = i
    const v = sorted[i]
    while (j + 1 < m && sorted[j + 1] === v) j++
    const r = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) ranks[order[k]] = r
    i = j + 1
  }
  return ranks
}
