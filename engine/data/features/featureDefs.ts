import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'

/**
 * The feature registry. A feature is a named, parameterised producer of one or more causal columns;
 * its column names are a pure function of its parameters (e.g. `logret_5`, `macd_12_26_9_hist`), so
 * a schema can be known before any bar is read. Plug-ins (built-ins here, multi-timeframe features
 * in mtf.ts) call `registerFeature` once per feature; sets, config resolution, the prefix-invariance
 * battery and `listFeatures` all read the registry, so a new feature needs no other edits.
 */

export type ParamValue = number | string | readonly number[]
export type Params = Record<string, ParamValue>

interface ParamBase {
  description: string
}
export interface IntParam extends ParamBase {
  kind: 'int'
  default: number
  min: number
  max: number
}
export interface NumberParam extends ParamBase {
  kind: 'number'
  default: number
  min: number
  max: number
}
/** A list of distinct integers (lags, windows); a single number is accepted as a one-element list. */
export interface IntListParam extends ParamBase {
  kind: 'int_list'
  default: readonly number[]
  min: number
  max: number
}
export interface EnumParam extends ParamBase {
  kind: 'enum'
  default: string
  values: readonly string[]
}
/** Free string checked by the feature (e.g. a timeframe '15m'); `check` throws a FactoryError. */
export interface StringParam extends ParamBase {
  kind: 'string'
  default: string
  check?: (value: string, path: string) => void
}
export type ParamSpec = IntParam | NumberParam | IntListParam | EnumParam | StringParam

/** What a feature may know besides the bars. Extra keys are for plug-ins (e.g. bar size for MTF). */
export interface FeatureContext {
  /** IANA zone of the instrument's exchange, for calendar features */
  readonly timeZone: string
  readonly [key: string]: unknown
}

export interface FeatureDef<P extends Params = Params> {
  /** lower_snake, as written in configs */
  readonly name: string
  readonly description: string
  readonly params: Readonly<Record<string, ParamSpec>>
  /** cross-parameter constraints (e.g. MACD fast < slow); throws E_PARAM naming `path` */
  check?(params: P, path: string): void
  /** column names, deterministic in the parameters, in the order compute returns them */
  columns(params: P): string[]
  /** leading rows that are NaN: the first row with a defined value on clean bars */
  warmup(params: P): number
  /** one Float64Array of length bars.length per column; value at t from rows ≤ t only */
  compute(bars: Bars, params: P, ctx: FeatureContext): Float64Array[]
}

const registry = new Map<string, FeatureDef>()

export function registerFeature<P extends Params>(def: FeatureDef<P>): void {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) {
    throw new FactoryError('E_CONFIG', `feature name '${def.name}' must be lower_snake`, { value: def.name })
  }
  if (registry.has(def.name)) {
    throw new FactoryError('E_CONFIG', `feature '${def.name}' is registered twice`, { value: def.name })
  }
  // the defaults must pass the feature's own schema, or every default config would fail later
  resolveParams(def as unknown as FeatureDef, {}, `feature '${def.name}' defaults`)
  registry.set(def.name, def as unknown as FeatureDef)
}

export function featureNames(): string[] {
  return [...registry.keys()]
}

/** The definition of `name`, or E_FEATURE naming the config path and every known feature. */
export function getFeature(name: unknown, path: string): FeatureDef {
  const def = typeof name === 'string' ? registry.get(name) : undefined
  if (!def) {
    const known = featureNames()
    throw new FactoryError('E_FEATURE', `${path}: ${unknownNameMessage('feature', String(name), known)}`, { path, value: name, valid: known })
  }
  return def
}

export function defaultParams(def: FeatureDef): Params {
  const out: Params = {}
  for (const [k, spec] of Object.entries(def.params)) out[k] = spec.default
  return out
}

/**
 * Fill defaults and validate every given parameter. `path` is the config location of the feature's
 * parameter object (e.g. `features[3]`, `features.params.rsi`); errors name `${path}.${key}`.
 */
export function resolveParams(def: FeatureDef, given: Readonly<Record<string, unknown>>, path: string): Params {
  const known = Object.keys(def.params)
  for (const key of Object.keys(given)) {
    if (!(key in def.params)) {
      throw new FactoryError(
        'E_PARAM',
        `${path}.${key}: feature '${def.name}' has no parameter '${key}'; ${known.length ? `parameters: ${known.join(', ')}` : 'it takes no parameters'}`,
        { path: `${path}.${key}`, value: key, valid: known },
      )
    }
  }
  const out: Params = {}
  for (const [key, spec] of Object.entries(def.params)) {
    const v = key in given && given[key] !== undefined ? given[key] : spec.default
    out[key] = checkParam(spec, v, `${path}.${key}`)
  }
  def.check?.(out, path)
  return out
}

function checkParam(spec: ParamSpec, v: unknown, path: string): ParamValue {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const intOnly = spec.kind === 'int'
      if (typeof v !== 'number' || !Number.isFinite(v) || (intOnly && !Number.isInteger(v)) || v < spec.min || v > spec.max) {
        throw rangeError(path, v, `${intOnly ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}]`, spec.min, spec.max)
      }
      return v
    }
    case 'int_list': {
      const list = typeof v === 'number' ? [v] : v
      const what = `a non-empty list of distinct integers in [${spec.min}, ${spec.max}]`
      if (!Array.isArray(list) || list.length === 0) throw rangeError(path, v, what, spec.min, spec.max)
      const seen = new Set<number>()
      list.forEach((x: unknown, i: number) => {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < spec.min || x > spec.max) {
          throw rangeError(`${path}[${i}]`, x, `an integer in [${spec.min}, ${spec.max}]`, spec.min, spec.max)
        }
        if (seen.has(x)) throw rangeError(`${path}[${i}]`, x, `${what} (${x} appears twice)`, spec.min, spec.max)
        seen.add(x)
      })
      return Object.freeze([...(list as number[])])
    }
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) {
        throw new FactoryError('E_PARAM', `${path}: ${unknownNameMessage('value', String(v), spec.values)}`, { path, value: v, valid: spec.values })
      }
      return v
    case 'string':
      if (typeof v !== 'string') {
        throw new FactoryError('E_PARAM', `${path}: expected a string, got ${JSON.stringify(v)}`, { path, value: v })
      }
      spec.check?.(v, path)
      return v
  }
}

function rangeError(path: string, v: unknown, expected: string, min: number, max: number): FactoryError {
  return new FactoryError('E_PARAM', `${path}: ${JSON.stringify(v) ?? String(v)} is not valid; expected ${expected}`, {
    path,
    value: v,
    valid: [min, max],
  })
}

/** Plain-JSON description of every registered feature, for the CLI `list` and the UI palette. */
export interface FeatureInfo {
  name: string
  description: string
  params: {
    name: string
    kind: ParamSpec['kind']
    default: ParamValue
    description: string
    min?: number
    max?: number
    values?: readonly string[]
  }[]
  /** columns and warm-up with default parameters */
  columns: string[]
  warmup: number
}

export function listFeatures(): FeatureInfo[] {
  return [...registry.values()].map((def) => {
    const d = defaultParams(def)
    return {
      name: def.name,
      description: def.description,
      params: Object.entries(def.params).map(([name, s]) => ({
        name,
        kind: s.kind,
        default: s.default,
        description: s.description,
        ...(s.kind === 'int' || s.kind === 'number' || s.kind === 'int_list' ? { min: s.min, max: s.max } : {}),
        ...(s.kind === 'enum' ? { values: s.values } : {}),
      })),
      columns: def.columns(d),
      warmup: def.warmup(d),
    }
  })
}
