/**
 * True range and Wilder's average true range (Wilder 1978): ATR seeds with the simple mean of the
 * first `period` true ranges and then smooths with alpha = 1/period. Causal: ATR[t] uses bars ≤ t.
 * The first true range (no previous close) is high − low. Warm-up rows (t < period − 1) are NaN.
 */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = high.length
  const tr = new Float64Array(n)
  if (n === 0) return tr
  tr[0] = high[0] - low[0]
  for (let t = 1; t < n; t++) {
    const pc = close[t - 1]
    const a = high[t] - low[t]
    const b = Math.abs(high[t] - pc)
    const c = Math.abs(low[t] - pc)
    tr[t] = a > b ? (a > c ? a : c) : b > c ? b : c
  }
  return tr
}

export function wilderAtr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const n = high.length
  const tr = trueRange(high, low, close)
  const out = new Float64Array(n).fill(NaN)
  if (n < period) return out
  let s = 0
  for (let t = 0; t < period; t++) s += tr[t]
  let atr = s / period
  out[period - 1] = atr
  for (let t = period; t < n; t++) {
    atr = (atr * (period - 1) + tr[t]) / period
    out[t] = atr
  }
  return out
}
