import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import './builtinFeatures.ts'
import { getFeature, resolveParams } from './featureDefs.ts'
import type { ParamValue, Params } from './featureDefs.ts'

/**
 * Named feature sets and the resolution of a `features:` config into a list of fully-parameterised
 * features. Accepted forms:
 *   features: standard                                   (a set name)
 *   features: { set: standard, include: [...], exclude: [...], params: { rsi: { period: 21 } } }
 *   features: [ logret, { name: rsi, period: 14 }, ... ]  (an explicit list)
 * `include` items take either form of a list item; `exclude` removes every set entry of that name;
 * `params` overrides parameters of the set's (and included) entries of that name.
 */

export interface FeatureSetEntry {
  readonly name: string
  readonly params?: Readonly<Record<string, ParamValue>>
}

const STANDARD_NAMES = [
  'ret', 'logret', 'rv', 'atr', 'natr', 'rsi', 'macd', 'bollinger', 'close_z', 'volume_z',
  'log_volume', 'rel_volume', 'signed_volume', 'hl_range', 'candle', 'time_of_day', 'day_of_week',
] as const

const LONG_LAGS = [1, 2, 3, 5, 10, 15, 30, 60, 120, 240]
const LONG_WINDOWS = [15, 30, 60, 120, 240]
const FULL_OVERRIDES: Readonly<Record<string, Record<string, ParamValue>>> = {
  ret: { lags: LONG_LAGS },
  logret: { lags: LONG_LAGS },
  rv: { windows: [5, ...LONG_WINDOWS] },
  close_z: { windows: LONG_WINDOWS },
  volume_z: { windows: LONG_WINDOWS },
  rel_volume: { windows: LONG_WINDOWS },
  signed_volume: { windows: LONG_WINDOWS },
}

export const FEATURE_SETS: Readonly<Record<string, readonly FeatureSetEntry[]>> = {
  // ATR enters normalised (natr): raw ATR is in price units and drifts with the price level
  minimal: [{ name: 'logret' }, { name: 'rv', params: { windows: [30] } }, { name: 'natr' }],
  standard: STANDARD_NAMES.map((name) => ({ name })),
  full: STANDARD_NAMES.map((name) => (FULL_OVERRIDES[name] ? { name, params: FULL_OVERRIDES[name] } : { name })),
}

export function featureSetNames(): string[] {
  return Object.keys(FEATURE_SETS)
}

export type FeatureItem = string | ({ name: string } & Record<string, unknown>)
export interface FeatureSetConfig {
  set: string
  include?: readonly FeatureItem[]
  exclude?: readonly string[]
  params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}
export type FeaturesConfig = string | FeatureSetConfig | readonly FeatureItem[]

export interface ResolvedFeature {
  name: string
  params: Params
  columns: string[]
  warmup: number
  /** config path the feature came from, for later messages */
  path: string
}

export function resolveFeatures(config: unknown, path = 'features'): ResolvedFeature[] {
  let out: ResolvedFeature[]
  if (typeof config === 'string') out = fromSet({ set: config }, path, true)
  else if (Array.isArray(config)) out = config.map((item, i) => fromItem(item, `${path}[${i}]`))
  else if (isRecord(config)) out = fromSet(config, path, false)
  else {
    throw new FactoryError('E_CONFIG', `${path}: expected a set name, { set, include, exclude, params } or a list of features; got ${JSON.stringify(config)}`, {
      path,
      value: config,
      valid: featureSetNames(),
    })
  }
  assertDistinctColumns(out)
  return out
}

function fromItem(item: unknown, path: string): ResolvedFeature {
  if (typeof item === 'string') return resolved(item, {}, path, path)
  if (!isRecord(item)) {
    throw new FactoryError('E_CONFIG', `${path}: expected a feature name or { name, ...params }; got ${JSON.stringify(item)}`, { path, value: item })
  }
  const { name, ...params } = item
  return resolved(name, params, `${path}.name`, path)
}

function resolved(name: unknown, given: Record<string, unknown>, namePath: string, paramPath: string): ResolvedFeature {
  const def = getFeature(name, namePath)
  const params = resolveParams(def, given, paramPath)
  return { name: def.name, params, columns: def.columns(params), warmup: def.warmup(params), path: paramPath }
}

const SET_KEYS = ['set', 'include', 'exclude', 'params']

function fromSet(cfg: Record<string, unknown>, path: string, bare: boolean): ResolvedFeature[] {
  for (const k of Object.keys(cfg)) {
    if (!SET_KEYS.includes(k)) {
      throw new FactoryError('E_CONFIG', `${path}.${k}: ${unknownNameMessage('key', k, SET_KEYS)}`, { path: `${path}.${k}`, value: k, valid: SET_KEYS })
    }
  }
  const setPath = bare ? path : `${path}.set`
  const set = typeof cfg.set === 'string' ? FEATURE_SETS[cfg.set] : undefined
  if (!set || !Object.hasOwn(FEATURE_SETS, cfg.set as string)) {
    const known = featureSetNames()
    throw new FactoryError('E_FEATURE', `${setPath}: ${unknownNameMessage('feature set', String(cfg.set), known)}`, { path: setPath, value: cfg.set, valid: known })
  }
  const exclude = listOf(cfg.exclude, `${path}.exclude`)
  exclude.forEach((name, i) => {
    getFeature(name, `${path}.exclude[${i}]`) // a misspelt exclude would silently keep the feature
  })
  const entries: { name: string; params: Record<string, unknown>; path: string }[] = set
    .filter((e) => !exclude.includes(e.name))
    .map((e) => ({ name: e.name, params: { ...e.params }, path: setPath }))
  listOf(cfg.include, `${path}.include`).forEach((item, i) => {
    const p = `${path}.include[${i}]`
    if (typeof item === 'string') entries.push({ name: getFeature(item, p).name, params: {}, path: p })
    else if (isRecord(item)) {
      const { name, ...params } = item
      entries.push({ name: getFeature(name, `${p}.name`).name, params, path: p })
    } else throw new FactoryError('E_CONFIG', `${p}: expected a feature name or { name, ...params }; got ${JSON.stringify(item)}`, { path: p, value: item })
  })
  const overrides = cfg.params ?? {}
  if (!isRecord(overrides)) {
    throw new FactoryError('E_CONFIG', `${path}.params: expected { feature: { param: value } }; got ${JSON.stringify(overrides)}`, { path: `${path}.params`, value: overrides })
  }
  for (const [name, given] of Object.entries(overrides)) {
    const p = `${path}.params.${name}`
    getFeature(name, p)
    const present = [...new Set(entries.map((e) => e.name))]
    if (!present.includes(name)) {
      throw new FactoryError('E_FEATURE', `${p}: feature '${name}' is not in the resolved set; in the set: ${present.join(', ')}`, { path: p, value: name, valid: present })
    }
    if (!isRecord(given)) throw new FactoryError('E_CONFIG', `${p}: expected { param: value }; got ${JSON.stringify(given)}`, { path: p, value: given })
    for (const e of entries) {
      if (e.name !== name) continue
      e.params = { ...e.params, ...given }
      e.path = p
    }
  }
  return entries.map((e) => resolved(e.name, e.params, e.path, e.path))
}

function listOf(v: unknown, path: string): unknown[] {
  if (v === undefined) return []
  if (!Array.isArray(v)) throw new FactoryError('E_CONFIG', `${path}: expected a list; got ${JSON.stringify(v)}`, { path, value: v })
  return v
}

function assertDistinctColumns(fs: readonly ResolvedFeature[]): void {
  const seen = new Map<string, string>()
  for (const f of fs) {
    for (const c of f.columns) {
      const prev = seen.get(c)
      if (prev !== undefined) {
        throw new FactoryError('E_FEATURE', `${f.path}: column '${c}' is already produced by ${prev}; give the two features different parameters or drop one`, {
          path: f.path,
          value: c,
        })
      }
      seen.set(c, f.path)
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
