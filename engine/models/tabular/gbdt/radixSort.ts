/**
 * Ascending LSD radix sort of NaN-free float64 values, in place, with exactly the order of
 * Float64Array.prototype.sort (−0 before +0, −Infinity first, +Infinity last). Binning sorts up to
 * BIN_SAMPLE_ROWS values per feature on every fit, where the comparison sort was the largest part
 * of binning.
 *
 * Each value's IEEE bits become an unsigned key whose order is the numeric order (negative: flip
 * every bit; positive: flip the sign bit), sorted by six digits of 11/11/10 bits per 32-bit word,
 * low word first; all six digit histograms come from one counting pass, and a digit that is the
 * same for every key is skipped (common for short mantissas, e.g. integer-valued features).
 */

const SHIFTS = [0, 11, 22, 0, 11, 22] as const
const MASKS = [0x7ff, 0x7ff, 0x3ff, 0x7ff, 0x7ff, 0x3ff] as const
const RADIX = 2048

/** reused across calls (one sort at a time per thread) */
const counts = new Uint32Array(6 * RADIX)

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length
  if (n < 1024) return values.sort()
  // an aligned copy: values may be any subarray
  const keys = new Float64Array(n)
  keys.set(values)
  let w = new Uint32Array(keys.buffer)
  let tmp = new Uint32Array(2 * n)
  // word 2i is the low half of value i on little-endian machines, 2i+1 the half with sign and exponent
  const LO = littleEndian ? 0 : 1
  const HI = 1 - LO
  counts.fill(0)
  for (let i = 0; i < n; i++) {
    let hi = w[2 * i + HI]
    let lo = w[2 * i + LO]
    if (hi & 0x80000000) {
      hi = ~hi >>> 0
      lo = ~lo >>> 0
    } else hi = (hi | 0x80000000) >>> 0
    w[2 * i + HI] = hi
    w[2 * i + LO] = lo
    counts[lo & 0x7ff]++
    counts[RADIX + ((lo >>> 11) & 0x7ff)]++
    counts[2 * RADIX + (lo >>> 22)]++
    counts[3 * RADIX + (hi & 0x7ff)]++
    counts[4 * RADIX + ((hi >>> 11) & 0x7ff)]++
    counts[5 * RADIX + (hi >>> 22)]++
  }
  for (let pass = 0; pass < 6; pass++) {
    const word = pass < 3 ? LO : HI
    const shift = SHIFTS[pass]
    const mask = MASKS[pass]
    const base = pass * RADIX
    // every key has the same digit: this pass would be the identity
    if (counts[base + ((w[word] >>> shift) & mask)] === n) continue
    let sum = 0
    for (let b = base; b < base + RADIX; b++) {
      const c = counts[b]
      counts[b] = sum
      sum += c
    }
    if (word === 0) scatter(w, tmp, n, 0, shift, mask, base)
    else scatter(w, tmp, n, 1, shift, mask, base)
    const t = w
    w = tmp
    tmp = t
  }
  for (let i = 0; i < n; i++) {
    const hi = w[2 * i + HI]
    if (hi & 0x80000000) w[2 * i + HI] = (hi & 0x7fffffff) >>> 0
    else {
      w[2 * i + HI] = ~hi >>> 0
      w[2 * i + LO] = ~w[2 * i + LO] >>> 0
    }
  }
  values.set(new Float64Array(w.buffer, w.byteOffset, n))
  return values
}

/** One counting-sort pass by the digit of word `word` (0 or 1) at `shift`; a plain top-level
 * function so V8 optimises each call site's constant word on its own. */
function scatter(w: Uint32Array, out: Uint32Array, n: number, word: number, shift: number, mask: number, base: number): void {
  for (let i = 0, o = 0; i < n; i++, o += 2) {
    const a = w[o]
    const b = w[o + 1]
    const d = 2 * counts[base + (((word === 0 ? a : b) >>> shift) & mask)]++
    out[d] = a
    out[d + 1] = b
  }
}
