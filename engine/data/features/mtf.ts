import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import { formatBarSize, parseBarSize, type Bars } from '../bars.ts'
import type { SessionCalendar } from '../calendar/sessionCalendar.ts'
import { asOfIndex, gatherAsOf } from '../resample/asof.ts'
import { resampleBars, type OffSessionPolicy, type ResampledBars } from '../resample/resample.ts'
import { registerFeature, type FeatureContext, type IntParam, type ParamSpec, type Params, type StringParam } from './featureDefs.ts'
import { wilderRsi } from './rsi.ts'
import { normalisedAtr, realisedVol } from './volatility.ts'

/**
 * Multi-timeframe (MTF) features: indicators computed on a higher-timeframe (HTF) resample of the
 * base bars and mapped back to every base bar.
 *
 * Leakage rule — an HTF bar is used ONLY AFTER IT HAS CLOSED. Base bar t opens at ts[t] and closes
 * at ts[t] + baseBarMs; the HTF bar with session bucket [s, e) is usable at base bar t iff
 * e ≤ ts[t] + baseBarMs. So with 1m base bars and tf 5m, the 10:00–10:05 bar first shows at the
 * 10:04 bar (whose close is 10:05), and if the 10:04 bar is missing, at the next bar that exists.
 * The HTF bar still forming at t is never used, not even partially: its high, low and close would
 * change as the bucket fills, and a model trained on them would see a different feature than it
 * gets live. Buckets are session-aware (see resample.ts), so a bucket cut at a closure becomes
 * usable at the bar that closes at the cut. The join is `asOfIndex` in resample/asof.ts.
 *
 * Indicators on the HTF series are causal in HTF bars; combined with the rule every column at base
 * row t depends only on base bars ≤ t (mtf.test.ts perturbs everything after t to prove it).
 */

export const MTF_FEATURES = ['logret', 'rv', 'rsi', 'natr', 'range_pos'] as const
export type MtfFeatureName = (typeof MTF_FEATURES)[number]

export type MtfFeatureRequest =
  | MtfFeatureName
  /** HTF log returns of the last `lags` closed HTF bars: lag1 = the most recently closed bar */
  | { name: 'logret'; lags?: number }
  /** sample std (ddof 1) of the last `window` HTF 1-bar log returns (volatility.ts realisedVol) */
  | { name: 'rv'; window?: number }
  /** Wilder RSI (0–100) of HTF closes (rsi.ts) */
  | { name: 'rsi'; period?: number }
  /** Wilder ATR of the HTF bars divided by the HTF close */
  | { name: 'natr'; period?: number }
  /** (base close − HTF low) / (HTF high − HTF low) of the last closed HTF bar; 0.5 when the range is 0 */
  | { name: 'range_pos' }

export interface MtfSpec {
  /** higher timeframe: '5m', '15m', '30m', '1h', '4h', '1d' (a multiple of the base bar size) */
  tf: string
  features: readonly MtfFeatureRequest[]
  /** base bar size in ms; default one minute */
  baseBarMs?: number
  /** bars at closed times: see resample.ts; default 'raise' */
  offSession?: OffSessionPolicy
}

export interface MtfResult {
  names: string[]
  /** one column per name, each of length bars.length */
  columns: Float64Array[]
  /** the HTF series the indicators were computed on */
  htf: ResampledBars
  /** per base bar, the index of the last closed HTF bar usable there, −1 before the first */
  htfIndex: Int32Array
}

interface Resolved {
  name: MtfFeatureName
  /** lags for logret, window for rv, period for rsi/natr; 0 for range_pos */
  n: number
}

const PARAM: Record<MtfFeatureName, { key: string; def: number; min: number; max: number } | null> = {
  logret: { key: 'lags', def: 3, min: 1, max: 100 },
  rv: { key: 'window', def: 20, min: 2, max: 1000 },
  rsi: { key: 'period', def: 14, min: 2, max: 1000 },
  natr: { key: 'period', def: 14, min: 2, max: 1000 },
  range_pos: null,
}

function resolveFeature(req: unknown, path: string): Resolved {
  const name = typeof req === 'string' ? req : (req as { name?: unknown } | null)?.name
  if (typeof name !== 'string' || !(MTF_FEATURES as readonly string[]).includes(name)) {
    throw new FactoryError('E_FEATURE', `${path}: ${unknownNameMessage('multi-timeframe feature', String(name), MTF_FEATURES)}`, { path, value: name, valid: MTF_FEATURES })
  }
  const f = name as MtfFeatureName
  const p = PARAM[f]
  const given = typeof req === 'object' && req !== null ? (req as Record<string, unknown>) : {}
  const allowed = ['name', ...(p ? [p.key] : [])]
  for (const k of Object.keys(given)) {
    if (!allowed.includes(k)) {
      throw new FactoryError('E_PARAM', `${path}.${k}: multi-timeframe feature '${f}' has no parameter '${k}'; ${p ? `parameters: ${p.key}` : 'it takes no parameters'}`, { path: `${path}.${k}`, value: k, valid: allowed.slice(1) })
    }
  }
  if (!p) return { name: f, n: 0 }
  const v = given[p.key] ?? p.def
  if (typeof v !== 'number' || !Number.isInteger(v) || v < p.min || v > p.max) {
    throw new FactoryError('E_PARAM', `${path}.${p.key}: ${JSON.stringify(v)} is not valid; expected an integer in [${p.min}, ${p.max}]`, { path: `${path}.${p.key}`, value: v, valid: [p.min, p.max] })
  }
  return { name: f, n: v }
}

function resolveSpec(spec: MtfSpec, path: string): { tfMs: number; baseBarMs: number; tfName: string; feats: Resolved[] } {
  const baseBarMs = spec.baseBarMs ?? 60_000
  const tfMs = parseBarSize(spec.tf, `${path}.tf`)
  if (!Array.isArray(spec.features) || spec.features.length === 0) {
    throw new FactoryError('E_PARAM', `${path}.features: give at least one multi-timeframe feature; known: ${MTF_FEATURES.join(', ')}`, { path: `${path}.features`, value: spec.features, valid: MTF_FEATURES })
  }
  const feats = spec.features.map((r, i) => resolveFeature(r, `${path}.features[${i}]`))
  return { tfMs, baseBarMs, tfName: formatBarSize(tfMs), feats }
}

/** Column names for a spec, known before any bar is read: `mtf_<tf>_<feature>[_<param>]`. */
export function mtfColumnNames(spec: MtfSpec, path = 'features.mtf'): string[] {
  const { tfName, feats } = resolveSpec(spec, path)
  return feats.flatMap((f) => columnsOf(tfName, f))
}

function columnsOf(tf: string, f: Resolved): string[] {
  const p = `mtf_${tf}_${f.name}`
  if (f.name === 'logret') return Array.from({ length: f.n }, (_, k) => `${p}_lag${k + 1}`)
  return f.name === 'range_pos' ? [p] : [`${p}_${f.n}`]
}

/** HTF log return of bar j − lag + 1 (lag 1 = bar j itself), NaN where no earlier close exists. */
function htfLogRetLag(c: Float64Array, lag: number): Float64Array {
  const m = c.length
  const out = new Float64Array(m).fill(NaN)
  for (let j = lag; j < m; j++) out[j] = Math.log(c[j - lag + 1] / c[j - lag])
  return out
}

function rangePosition(close: Float64Array, htf: ResampledBars, idx: Int32Array): Float64Array {
  const n = close.length
  const out = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const j = idx[t]
    if (j < 0) {
      out[t] = NaN
      continue
    }
    const range = htf.high[j] - htf.low[j]
    out[t] = range > 0 ? (close[t] - htf.low[j]) / range : 0.5
  }
  return out
}

/**
 * Resample `bars` to `spec.tf` on the session calendar, compute the requested indicators on the HTF
 * series and map them back by the closed-bar rule above. O(n) in base bars.
 */
export function mtfFeatures(bars: Bars, calendar: SessionCalendar, spec: MtfSpec, path = 'features.mtf'): MtfResult {
  const { tfMs, baseBarMs, tfName, feats } = resolveSpec(spec, path)
  const htf = resampleBars(bars, baseBarMs, tfMs, calendar, { path: `${path}.tf`, ...(spec.offSession ? { offSession: spec.offSession } : {}) })
  const idx = asOfIndex(bars.ts, baseBarMs, htf)
  const names: string[] = []
  const columns: Float64Array[] = []
  for (const f of feats) {
    names.push(...columnsOf(tfName, f))
    switch (f.name) {
      case 'logret':
        for (let lag = 1; lag <= f.n; lag++) columns.push(gatherAsOf(idx, htfLogRetLag(htf.close, lag)))
        break
      case 'rv':
        columns.push(gatherAsOf(idx, realisedVol(htf.close, f.n)))
        break
      case 'rsi':
        columns.push(gatherAsOf(idx, wilderRsi(htf.close, f.n)))
        break
      case 'natr':
        columns.push(gatherAsOf(idx, normalisedAtr(htf.high, htf.low, htf.close, f.n)))
        break
      case 'range_pos':
        columns.push(rangePosition(bars.close, htf, idx))
        break
    }
  }
  return { names, columns, htf, htfIndex: idx }
}

// Registration with the feature registry: one entry per MTF indicator so a config can mix them
// (`{ name: mtf_rsi, tf: 1h, period: 14 }`). The calendar and the base bar size come from the
// feature context (`context: { calendar, barMs }` in computeFeatures): buckets must follow the
// instrument's sessions, so a missing calendar is an error rather than a guess.

const tfParam: StringParam = {
  kind: 'string',
  default: '1h',
  description: 'higher timeframe (5m, 15m, 30m, 1h, 4h, 1d), a multiple of the base bar size',
  check: (v, path) => void parseBarSize(v, path),
}

function contextOf(ctx: FeatureContext, name: string): { calendar: SessionCalendar; baseBarMs: number } {
  const cal = ctx.calendar as SessionCalendar | undefined
  if (!cal || typeof cal.bucket !== 'function' || typeof cal.segment !== 'function') {
    throw new FactoryError('E_CONFIG', `feature '${name}' needs the instrument's session calendar in the feature context (computeFeatures option context.calendar); got ${cal === undefined ? 'none' : typeof cal}`, {
      path: 'context.calendar',
      value: cal === undefined ? null : typeof cal,
    })
  }
  const barMs = ctx.barMs ?? 60_000
  if (typeof barMs !== 'number') {
    throw new FactoryError('E_CONFIG', `feature '${name}' needs context.barMs as milliseconds; got ${JSON.stringify(barMs)}`, { path: 'context.barMs', value: barMs })
  }
  return { calendar: cal, baseBarMs: barMs }
}

/**
 * Rows before the first defined value on clean 1-minute bars starting at a bucket start: `htfBars`
 * closed HTF bars take htfBars · (tf / 1m) base bars. A coarser base bar or buckets cut by closures
 * only shorten it, so this bounds the warm-up from above.
 */
function mtfWarmup(tf: string, htfBars: number): number {
  return htfBars * Math.round(parseBarSize(tf) / 60_000) - 1
}

function registerMtf<P extends Params & { tf: string }>(
  name: MtfFeatureName,
  description: string,
  params: Record<string, ParamSpec>,
  request: (p: P) => MtfFeatureRequest,
  htfBarsNeeded: (p: P) => number,
): void {
  registerFeature<P>({
    name: `mtf_${name}`,
    description: `${description}, of the last closed bar of timeframe tf (a bar is used only after its session bucket has closed)`,
    params: { tf: tfParam, ...params },
    columns: (p) => mtfColumnNames({ tf: p.tf, features: [request(p)] }),
    warmup: (p) => mtfWarmup(p.tf, htfBarsNeeded(p)),
    compute: (bars, p, ctx) => {
      const { calendar, baseBarMs } = contextOf(ctx, `mtf_${name}`)
      return mtfFeatures(bars, calendar, { tf: p.tf, features: [request(p)], baseBarMs }).columns
    },
  })
}

const int = (def: number, min: number, max: number, description: string): IntParam => ({ kind: 'int', default: def, min, max, description })

registerMtf<{ tf: string; lags: number }>('logret', 'HTF log returns at lags 1..lags', { lags: int(3, 1, 100, 'number of HTF lags') }, (p) => ({ name: 'logret', lags: p.lags }), (p) => p.lags + 1)
registerMtf<{ tf: string; window: number }>('rv', 'HTF realised volatility (sample std of HTF log returns)', { window: int(20, 2, 1000, 'window in HTF bars') }, (p) => ({ name: 'rv', window: p.window }), (p) => p.window + 1)
registerMtf<{ tf: string; period: number }>('rsi', 'HTF Wilder RSI (0–100)', { period: int(14, 2, 1000, 'smoothing period in HTF bars') }, (p) => ({ name: 'rsi', period: p.period }), (p) => p.period + 1)
registerMtf<{ tf: string; period: number }>('natr', 'HTF Wilder ATR / HTF close', { period: int(14, 2, 1000, 'smoothing period in HTF bars') }, (p) => ({ name: 'natr', period: p.period }), (p) => p.period)
registerMtf<{ tf: string }>('range_pos', 'position of the base close within the HTF high–low range', {}, () => 'range_pos', () => 1)
