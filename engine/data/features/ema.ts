/**
 * Exponential moving average with alpha = 2 / (span + 1), seeded at the first value and updated
 * y_t = (1 − alpha)·y_{t−1} + alpha·x_t — the recursion of pandas `ewm(span, adjust=False)`.
 * No warm-up masking here: the seed is crude for roughly `span` bars, so callers that expose an EMA
 * mask their own warm-up. Non-finite inputs before the first finite value give NaN; the seed is
 * the first finite value (bars are validated, so later gaps do not occur).
 */
export function emaSpan(x: Float64Array, span: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  return emaAlpha(x, 2 / (span + 1), out)
}

export function emaAlpha(x: Float64Array, alpha: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length
  const keep = 1 - alpha
  let t = 0
  while (t < n && !(x[t] - x[t] === 0)) out[t++] = NaN
  if (t === n) return out
  let y = x[t]
  out[t++] = y
  for (; t < n; t++) {
    y = keep * y + alpha * x[t]
    out[t] = y
  }
  return out
}
