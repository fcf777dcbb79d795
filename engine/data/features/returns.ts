/**
 * Returns over `lag` bars from closes: simple c_t / c_{t−lag} − 1 and log ln(c_t / c_{t−lag}).
 * Causal by construction; rows t < lag are NaN (no close that far back).
 */
export function simpleReturns(close: Float64Array, lag: number): Float64Array {
  const n = close.length
  const out = new Float64Array(n)
  const w = lag < n ? lag : n
  for (let t = 0; t < w; t++) out[t] = NaN
  for (let t = lag; t < n; t++) out[t] = close[t] / close[t - lag] - 1
  return out
}

export function logReturns(close: Float64Array, lag: number): Float64Array {
  const n = close.length
  const out = new Float64Array(n)
  const w = lag < n ? lag : n
  for (let t = 0; t < w; t++) out[t] = NaN
  for (let t = lag; t < n; t++) out[t] = Math.log(close[t] / close[t - lag])
  return out
}
