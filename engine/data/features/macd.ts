import { emaSpan } from './ema.ts'

export interface MacdColumns {
  macd: Float64Array
  signal: Float64Array
  hist: Float64Array
}

/**
 * MACD = EMA_fast(close) − EMA_slow(close); signal = EMA_signal(MACD); hist = MACD − signal. EMAs
 * follow pandas ewm(span, adjust=False) seeded at the first close, run from row 0 like pandas; the
 * seed makes early values unrepresentative, so MACD is NaN for t < slow − 1 and signal/hist for
 * t < slow + signal − 2 (the rows before each EMA has seen a full span). All three are divided by
 * the close at t so that the feature does not scale with the price level.
 */
export function macdNormalised(close: Float64Array, fast: number, slow: number, signalSpan: number): MacdColumns {
  const n = close.length
  const macd = emaSpan(close, fast)
  const slowEma = emaSpan(close, slow)
  for (let t = 0; t < n; t++) macd[t] -= slowEma[t]
  const signal = emaSpan(macd, signalSpan, slowEma) // reuse the slow buffer: it is no longer needed
  const hist = new Float64Array(n)
  const macdStart = slow - 1
  const sigStart = slow + signalSpan - 2
  for (let t = 0; t < n; t++) {
    const c = close[t]
    const m = macd[t]
    const s = signal[t]
    hist[t] = t < sigStart ? NaN : (m - s) / c
    signal[t] = t < sigStart ? NaN : s / c
    macd[t] = t < macdStart ? NaN : m / c
  }
  return { macd, signal, hist }
}
