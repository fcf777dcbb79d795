/**
 * Shape of each bar on its own (no warm-up). Fractions are of the bar's range h − l; a bar with no
 * range (h = l) has no body or wicks to speak of, so every fraction is 0 there rather than 0/0.
 */

/** (high − low) / close. */
export function rangeOverClose(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = close.length
  const out = new Float64Array(n)
  for (let t = 0; t < n; t++) out[t] = (high[t] - low[t]) / close[t]
  return out
}

export interface CandleColumns {
  /** |close − open| / range */
  body: Float64Array
  /** (high − max(open, close)) / range */
  upperWick: Float64Array
  /** (min(open, close) − low) / range */
  lowerWick: Float64Array
  /** close location value ((c − l) − (h − c)) / range, in [−1, 1] */
  clv: Float64Array
}

export function candleShape(open: Float64Array, high: Float64Array, low: Float64Array, close: Float64Array): CandleColumns {
  const n = close.length
  const body = new Float64Array(n)
  const upperWick = new Float64Array(n)
  const lowerWick = new Float64Array(n)
  const clv = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const h = high[t]
    const l = low[t]
    const r = h - l
    if (!(r > 0)) continue // zero-filled already
    const o = open[t]
    const c = close[t]
    const top = o > c ? o : c
    const bottom = o > c ? c : o
    body[t] = (top - bottom) / r
    upperWick[t] = (h - top) / r
    lowerWick[t] = (bottom - l) / r
    clv[t] = (c - l - (h - c)) / r
  }
  return { body, upperWick, lowerWick, clv }
}
