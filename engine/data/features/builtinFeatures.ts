import { FactoryError } from '../../contracts/errors.ts'
import { wilderAtr } from './atr.ts'
import { bollingerPctB, rollingZScore } from './bands.ts'
import { dayOfWeek, timeOfDay } from './calendarFeatures.ts'
import { candleShape, rangeOverClose } from './candle.ts'
import { registerFeature } from './featureDefs.ts'
import type { IntListParam, IntParam } from './featureDefs.ts'
import { macdNormalised } from './macd.ts'
import { logReturns, simpleReturns } from './returns.ts'
import { wilderRsi } from './rsi.ts'
import { normalisedAtr, realisedVol } from './volatility.ts'
import { logVolume, relativeVolume, signedVolumeRatio } from './volume.ts'

// The built-in single-timeframe features. Each registration is the whole contract of a feature:
// parameter schema, column names, exact warm-up and the computation.

const MAX_LOOKBACK = 100_000

const lags = (def: number[]): IntListParam => ({ kind: 'int_list', default: def, min: 1, max: MAX_LOOKBACK, description: 'lags in bars' })
const windows = (def: number[]): IntListParam => ({ kind: 'int_list', default: def, min: 2, max: MAX_LOOKBACK, description: 'window lengths in bars' })
const period = (def: number, description = 'smoothing period in bars'): IntParam => ({ kind: 'int', default: def, min: 2, max: 10_000, description })
const maxOf = (xs: readonly number[]): number => xs.reduce((a, b) => (a > b ? a : b), 0)

type Lags = { lags: readonly number[] }
type Windows = { windows: readonly number[] }
type Period = { period: number }

registerFeature<Lags>({
  name: 'ret',
  description: 'simple return c_t / c_{t-lag} − 1 at each lag',
  params: { lags: lags([1, 5, 15, 60]) },
  columns: (p) => p.lags.map((l) => `ret_${l}`),
  warmup: (p) => maxOf(p.lags),
  compute: (b, p) => p.lags.map((l) => simpleReturns(b.close, l)),
})

registerFeature<Lags>({
  name: 'logret',
  description: 'log return ln(c_t / c_{t-lag}) at each lag',
  params: { lags: lags([1, 5, 15, 60]) },
  columns: (p) => p.lags.map((l) => `logret_${l}`),
  warmup: (p) => maxOf(p.lags),
  compute: (b, p) => p.lags.map((l) => logReturns(b.close, l)),
})

registerFeature<Windows>({
  name: 'rv',
  description: 'realised volatility: sample rolling std of 1-bar log returns (per bar, not annualised)',
  params: { windows: windows([30, 120]) },
  columns: (p) => p.windows.map((w) => `rv_${w}`),
  warmup: (p) => maxOf(p.windows),
  compute: (b, p) => p.windows.map((w) => realisedVol(b.close, w)),
})

registerFeature<Period>({
  name: 'atr',
  description: "Wilder's average true range in price units",
  params: { period: period(14) },
  columns: (p) => [`atr_${p.period}`],
  warmup: (p) => p.period - 1,
  compute: (b, p) => [wilderAtr(b.high, b.low, b.close, p.period)],
})

registerFeature<Period>({
  name: 'natr',
  description: "Wilder's ATR divided by the close",
  params: { period: period(14) },
  columns: (p) => [`natr_${p.period}`],
  warmup: (p) => p.period - 1,
  compute: (b, p) => [normalisedAtr(b.high, b.low, b.close, p.period)],
})

registerFeature<Period>({
  name: 'rsi',
  description: "Wilder's RSI on the 0–100 scale (50 on a flat window)",
  params: { period: period(14) },
  columns: (p) => [`rsi_${p.period}`],
  warmup: (p) => p.period,
  compute: (b, p) => [wilderRsi(b.close, p.period)],
})

type Macd = { fast: number; slow: number; signal: number }
registerFeature<Macd>({
  name: 'macd',
  description: 'MACD line, signal and histogram (EMAs as pandas ewm adjust=False), each divided by the close',
  params: {
    fast: { kind: 'int', default: 12, min: 1, max: 10_000, description: 'fast EMA span' },
    slow: { kind: 'int', default: 26, min: 2, max: 10_000, description: 'slow EMA span (> fast)' },
    signal: { kind: 'int', default: 9, min: 1, max: 10_000, description: 'signal EMA span' },
  },
  check: (p, path) => {
    if (p.fast >= p.slow) {
      throw new FactoryError('E_PARAM', `${path}.fast: ${p.fast} must be below slow (${p.slow})`, { path: `${path}.fast`, value: p.fast, valid: [1, p.slow - 1] })
    }
  },
  columns: (p) => {
    const base = `macd_${p.fast}_${p.slow}_${p.signal}`
    return [base, `${base}_signal`, `${base}_hist`]
  },
  warmup: (p) => p.slow + p.signal - 2,
  compute: (b, p) => {
    const m = macdNormalised(b.close, p.fast, p.slow, p.signal)
    return [m.macd, m.signal, m.hist]
  },
})

type Boll = { window: number; k: number }
registerFeature<Boll>({
  name: 'bollinger',
  description: 'Bollinger %b of the close: 0 at mean − k·std, 1 at mean + k·std (sample std, ddof 1)',
  params: {
    window: { kind: 'int', default: 20, min: 2, max: MAX_LOOKBACK, description: 'window in bars' },
    k: { kind: 'number', default: 2, min: 0.01, max: 100, description: 'band width in standard deviations' },
  },
  columns: (p) => [`bb_pctb_${p.window}_${String(p.k).replace('.', 'p')}`], // k 2.5 → bb_pctb_20_2p5
  warmup: (p) => p.window - 1,
  compute: (b, p) => [bollingerPctB(b.close, p.window, p.k)],
})

registerFeature<Windows>({
  name: 'close_z',
  description: 'rolling z-score of the close (sample std; 0 on a flat window)',
  params: { windows: windows([60]) },
  columns: (p) => p.windows.map((w) => `close_z_${w}`),
  warmup: (p) => maxOf(p.windows) - 1,
  compute: (b, p) => p.windows.map((w) => rollingZScore(b.close, w)),
})

registerFeature<Windows>({
  name: 'volume_z',
  description: 'rolling z-score of the volume (sample std; 0 on a flat window)',
  params: { windows: windows([60]) },
  columns: (p) => p.windows.map((w) => `volume_z_${w}`),
  warmup: (p) => maxOf(p.windows) - 1,
  compute: (b, p) => p.windows.map((w) => rollingZScore(b.volume, w)),
})

registerFeature<Record<string, never>>({
  name: 'log_volume',
  description: 'ln(1 + volume)',
  params: {},
  columns: () => ['log_volume'],
  warmup: () => 0,
  compute: (b) => [logVolume(b.volume)],
})

registerFeature<Windows>({
  name: 'rel_volume',
  description: 'volume divided by its rolling mean',
  params: { windows: windows([60]) },
  columns: (p) => p.windows.map((w) => `rel_volume_${w}`),
  warmup: (p) => maxOf(p.windows) - 1,
  compute: (b, p) => p.windows.map((w) => relativeVolume(b.volume, w)),
})

registerFeature<Windows>({
  name: 'signed_volume',
  description: 'rolling sum of sign(return)·volume over rolling sum of volume, in [−1, 1]',
  params: { windows: windows([60]) },
  columns: (p) => p.windows.map((w) => `signed_volume_${w}`),
  warmup: (p) => maxOf(p.windows),
  compute: (b, p) => p.windows.map((w) => signedVolumeRatio(b.close, b.volume, w)),
})

registerFeature<Record<string, never>>({
  name: 'hl_range',
  description: '(high − low) / close',
  params: {},
  columns: () => ['hl_range'],
  warmup: () => 0,
  compute: (b) => [rangeOverClose(b.high, b.low, b.close)],
})

registerFeature<Record<string, never>>({
  name: 'candle',
  description: 'body, upper wick and lower wick as fractions of the range, and the close location value (0 when the range is 0)',
  params: {},
  columns: () => ['body_frac', 'upper_wick', 'lower_wick', 'clv'],
  warmup: () => 0,
  compute: (b) => {
    const c = candleShape(b.open, b.high, b.low, b.close)
    return [c.body, c.upperWick, c.lowerWick, c.clv]
  },
})

registerFeature<Record<string, never>>({
  name: 'time_of_day',
  description: "sin/cos of the bar open's minute of day in the exchange time zone",
  params: {},
  columns: () => ['tod_sin', 'tod_cos'],
  warmup: () => 0,
  compute: (b, _p, ctx) => {
    const c = timeOfDay(b.ts, ctx.timeZone)
    return [c.sin, c.cos]
  },
})

registerFeature<Record<string, never>>({
  name: 'day_of_week',
  description: "sin/cos of the bar open's day of week (Monday = 0) in the exchange time zone",
  params: {},
  columns: () => ['dow_sin', 'dow_cos'],
  warmup: () => 0,
  compute: (b, _p, ctx) => {
    const c = dayOfWeek(b.ts, ctx.timeZone)
    return [c.sin, c.cos]
  },
})
