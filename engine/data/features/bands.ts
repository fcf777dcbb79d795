import { isFlat, rollingMeanStd } from './rolling.ts'

/**
 * Bollinger %b = (x − lower) / (upper − lower) with bands mean ± k·std over `window` bars. The std
 * is the SAMPLE std (ddof 1), matching pandas `rolling(window).std()`. 0 at the lower band, 1 at the
 * upper; a flat window (std 0) gives 0.5 — the price sits on the mean, and a NaN there would
 * poison every model row. Rows t < window − 1 are NaN.
 */
export function bollingerPctB(x: Float64Array, window: number, k: number): Float64Array {
  const n = x.length
  const mean = new Float64Array(n)
  const sd = new Float64Array(n)
  rollingMeanStd(x, window, 1, mean, sd)
  for (let t = 0; t < n; t++) {
    const s = sd[t]
    const m = mean[t]
    if (s !== s) mean[t] = NaN
    else mean[t] = isFlat(s, m) ? 0.5 : (x[t] - m + k * s) / (2 * k * s)
  }
  return mean
}

/**
 * Rolling z-score (x_t − mean) / std over the `window` bars ending at t (t included), sample std.
 * A flat window gives 0. Rows t < window − 1 are NaN.
 */
export function rollingZScore(x: Float64Array, window: number): Float64Array {
  const n = x.length
  const mean = new Float64Array(n)
  const sd = new Float64Array(n)
  rollingMeanStd(x, window, 1, mean, sd)
  for (let t = 0; t < n; t++) {
    const s = sd[t]
    const m = mean[t]
    if (s !== s) mean[t] = NaN
    else mean[t] = isFlat(s, m) ? 0 : (x[t] - m) / s
  }
  return mean
}
