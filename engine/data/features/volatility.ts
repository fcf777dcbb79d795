import { wilderAtr } from './atr.ts'
import { logReturns } from './returns.ts'
import { rollingStd } from './rolling.ts'

/**
 * Realised volatility: sample (ddof 1) rolling std of 1-bar log returns over `window` bars, not
 * annualised (the bar size is the unit). The first return exists at t = 1, so rows t < window are NaN.
 */
export function realisedVol(close: Float64Array, window: number): Float64Array {
  return rollingStd(logReturns(close, 1), window, 1)
}

/** Wilder ATR divided by the close at the same bar: comparable across price levels and contracts. */
export function normalisedAtr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const atr = wilderAtr(high, low, close, period)
  for (let t = 0; t < atr.length; t++) atr[t] /= close[t]
  return atr
}
