/**
 * Wilder's RSI (1978). Changes d_t = c_t − c_{t−1}; the first average gain and loss are the simple
 * means over d_1 … d_period, then avg_t = (avg_{t−1}·(period − 1) + x_t) / period.
 * RSI = 100 − 100 / (1 + avgGain / avgLoss), on the usual 0–100 scale. A window with no losses
 * gives 100; one with neither gains nor losses (a flat market) gives 50, the neutral value, where the
 * formula is 0/0. Rows t < period are NaN.
 */
export function wilderRsi(close: Float64Array, period: number): Float64Array {
  const n = close.length
  const out = new Float64Array(n)
  const w = period < n ? period : n
  for (let t = 0; t < w; t++) out[t] = NaN
  if (n <= period) return out
  let gain = 0
  let loss = 0
  for (let t = 1; t <= period; t++) {
    const d = close[t] - close[t - 1]
    if (d > 0) gain += d
    else loss -= d
  }
  gain /= period
  loss /= period
  out[period] = rsiOf(gain, loss)
  const k = period - 1
  for (let t = period + 1; t < n; t++) {
    const d = close[t] - close[t - 1]
    gain = (gain * k + (d > 0 ? d : 0)) / period
    loss = (loss * k + (d < 0 ? -d : 0)) / period
    out[t] = rsiOf(gain, loss)
  }
  return out
}

function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100
  return 100 - 100 / (1 + gain / loss)
}
