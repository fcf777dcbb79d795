import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'

export const REGIME_FEATURE_NAMES = ['log_return', 'realised_vol'] as const

export interface RegimeObservations {
  /** n×d row-major */
  obs: Float64Array
  n: number
  d: number
  names: readonly string[]
}

/**
 * The HMM's observation matrix from close prices, causal (row t uses closes ≤ t):
 *   log_return[t]   = ln(close[t] / close[t−1])                      NaN at t = 0
 *   realised_vol[t] = sqrt(mean of log_return² over the last `window` returns, t−window+1..t)
 *                     per bar, not annualised                        NaN for t < window
 * So rows 0..window−1 are warm-up (NaN in realised_vol). The rolling sum of squares is updated in
 * one pass; a sum that rounding drives below zero (possible after a burst of large returns
 * leaves the window) is clamped to zero.
 *
 * Log returns need positive prices; a non-positive or non-finite close is an error naming the
 * bar (no silent repair), since it would otherwise turn into NaN rows that the filter treats as gaps.
 */
export function regimeObservations(bars: Bars, window = 30): RegimeObservations {
  if (!Number.isInteger(window) || window < 2) {
    throw new FactoryError('E_PARAM', `regime.window must be an integer ≥ 2; got ${window}`, { path: 'regime.window', value: window, valid: ['>= 2'] })
  }
  const n = bars.length
  const close = bars.close
  for (let t = 0; t < n; t++) {
    const c = close[t]
    if (!(c > 0) || !Number.isFinite(c)) {
      const line = bars.line?.[t]
      throw new FactoryError('E_VALIDATION', `${bars.source ?? 'bars'}${line !== undefined ? `:${line}` : ''} row ${t}: close ${c} is not a positive finite price; regime features use log returns`, {
        ...(bars.source !== undefined ? { file: bars.source } : {}),
        ...(line !== undefined ? { line } : {}),
        column: 'close', value: c, valid: ['> 0'],
      })
    }
  }
  const d = 2
  const obs = new Float64Array(n * d)
  const r = new Float64Array(n)
  let ss = 0
  for (let t = 0; t < n; t++) {
    if (t === 0) {
      obs[0] = NaN
      obs[1] = NaN
      continue
    }
    const lr = Math.log(close[t] / close[t - 1])
    r[t] = lr
    ss += lr * lr
    if (t > window) { const old = r[t - window]; ss -= old * old }
    if (ss < 0) ss = 0
    obs[t * d] = lr
    obs[t * d + 1] = t >= window ? Math.sqrt(ss / window) : NaN
  }
  return { obs, n, d, names: REGIME_FEATURE_NAMES }
}
