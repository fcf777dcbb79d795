/**
 * Decimal parsing straight from the byte buffer, with no substring per field.
 *
 * Exactness: the fast path handles `[+-]digits[.digits]` with at most 15 significant digits and at
 * most 22 fraction digits. Then the digits form an integer m < 10^15 < 2^53 and 10^k (k ≤ 22) are
 * both exact doubles, and one IEEE division m / 10^k is correctly rounded — the same double that
 * Number() gives (Clinger's fast path). Everything else (exponents, long mantissas, junk) falls back
 * to Number() on a short latin1 slice, behind a strict syntax check because Number() also accepts
 * '', '0x1f' and ' 12 ', which are not decimals. parseNumber.test.ts checks 100k random decimals
 * against Number().
 */

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INFINITY = /^[+-]?(?:inf|infinity)$/i
/** texts that mean "no value": stored as NaN and reported by the nan_or_empty check, not as unparseable */
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '#n/a'])

function latin1(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1')
}

function slowParse(buf: Uint8Array, s: number, e: number): number {
  const t = latin1(buf, s, e)
  if (DECIMAL.test(t)) return Number(t)
  if (INFINITY.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  return NaN
}

/** The decimal in buf[s, e) (already trimmed); NaN when it is not a decimal. */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  let i = s
  if (i >= e) return NaN
  let neg = false
  const c0 = buf[i]
  if (c0 === 45) {
    neg = true
    i++
  } else if (c0 === 43) i++
  let m = 0
  let sig = 0
  let frac = 0
  let any = false
  while (i < e) {
    const d = buf[i] - 48
    if (d < 0 || d > 9) break
    if (sig > 0 || d !== 0) sig++
    m = m * 10 + d
    any = true
    i++
  }
  if (i < e && buf[i] === 46) {
    i++
    while (i < e) {
      const d = buf[i] - 48
      if (d < 0 || d > 9) break
      if (sig > 0 || d !== 0) sig++
      m = m * 10 + d
      frac++
      any = true
      i++
    }
  }
  if (!any || i !== e || sig > 15 || frac > 22) return slowParse(buf, s, e)
  const v = frac === 0 ? m : m / POW10[frac]
  return neg ? -v : v
}

/** True when buf[s, e) is empty or a conventional missing-value text (NaN, NA, null, …). */
export function isMissingText(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s > 5) return false
  return MISSING.has(latin1(buf, s, e).toLowerCase())
}

export function fieldText(buf: Uint8Array, s: number, e: number, max = 80): string {
  const t = latin1(buf, s, Math.min(e, s + max))
  return e - s > max ? t + '…' : t
}
