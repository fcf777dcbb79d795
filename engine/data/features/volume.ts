import { rollingMean, rollingSum } from './rolling.ts'

/** ln(1 + volume): defined at zero volume, where ln(volume) is −∞. */
export function logVolume(volume: Float64Array): Float64Array {
  const n = volume.length
  const out = new Float64Array(n)
  for (let t = 0; t < n; t++) out[t] = Math.log1p(volume[t])
  return out
}

/**
 * volume_t / mean(volume over the `window` bars ending at t). A window with no volume at all gives 0
 * (the bar has no volume either). Rows t < window − 1 are NaN.
 */
export function relativeVolume(volume: Float64Array, window: number): Float64Array {
  const out = rollingMean(volume, window)
  for (let t = 0; t < out.length; t++) {
    const m = out[t]
    if (m === m) out[t] = m > 0 ? volume[t] / m : 0
  }
  return out
}

/**
 * Order-flow proxy: Σ sign(c_t − c_{t−1})·v_t / Σ v_t over the `window` bars ending at t, in [−1, 1].
 * The first bar has no previous close, so rows t < window are NaN; a window without volume gives 0.
 */
export function signedVolumeRatio(close: Float64Array, volume: Float64Array, window: number): Float64Array {
  const n = close.length
  const signed = new Float64Array(n)
  if (n > 0) signed[0] = NaN
  for (let t = 1; t < n; t++) {
    const d = close[t] - close[t - 1]
    signed[t] = d > 0 ? volume[t] : d < 0 ? -volume[t] : 0
  }
  const num = rollingSum(signed, window)
  const den = rollingSum(volume, window)
  for (let t = 0; t < n; t++) {
    const s = num[t]
    if (s === s) num[t] = den[t] > 0 ? s / den[t] : 0
  }
  return num
}
