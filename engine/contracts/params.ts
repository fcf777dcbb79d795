import { FactoryError, unknownNameMessage } from './errors.ts'

/**
 * Typed parameter schemas: every plug-in declares its hyper-parameters once, as plain data, and
 * that one declaration drives validation (with located errors), default filling, the JSON Schema
 * the YAML editor uses, and the form fields the CLI/UI generate. Being plain JSON, a schema also
 * travels inside a spec through `factory list --json` and the IPC boundary.
 *
 * Values are never coerced ("1" is not 1): YAML and JSON already give typed scalars, and a silent
 * repair would hide a config mistake.
 */

interface ParamBase {
  /** one line for help texts and tooltips */
  description?: string
  /** hint for the UI: slide/search on a log scale (learning rates, regularisation) */
  log?: boolean
}

export interface NumberParam extends ParamBase {
  type: 'number' | 'int'
  default: number | null
  min?: number
  max?: number
  /** the bound itself is not allowed (e.g. learning_rate > 0) */
  exclusiveMin?: boolean
  exclusiveMax?: boolean
  /** null is a valid value (meaning "off" / "unlimited"); the description says which */
  nullable?: boolean
}

export interface EnumParam extends ParamBase {
  type: 'enum'
  choices: readonly string[]
  default: string
}

export interface BooleanParam extends ParamBase {
  type: 'boolean'
  default: boolean
}

export interface NumberArrayParam extends ParamBase {
  type: 'number_array'
  default: readonly number[]
  /** every item must be an integer */
  integer?: boolean
  /** bounds applied to every item */
  min?: number
  max?: number
  exclusiveMin?: boolean
  exclusiveMax?: boolean
  minItems?: number
  maxItems?: number
}

export type ParamDef = NumberParam | EnumParam | BooleanParam | NumberArrayParam
export type ParamType = ParamDef['type']
export const PARAM_TYPES: readonly ParamType[] = ['number', 'int', 'enum', 'boolean', 'number_array']

/** name → definition, in the order forms should show them. Names are lower_snake like the YAML. */
export type ParamSchema = { readonly [name: string]: ParamDef }

type ValueOf<D extends ParamDef> = D extends EnumParam
  ? D['choices'][number]
  : D extends BooleanParam
    ? boolean
    : D extends NumberArrayParam
      ? number[]
      : D extends { nullable: true }
        ? number | null
        : number

/** The validated, defaults-filled params object a component receives. */
export type ParamValues<S extends ParamSchema> = { -readonly [K in keyof S]: ValueOf<S[K]> }

/** Identity, but keeps literal types (enum choices, nullable) so ParamValues<S> is precise. */
export function defineParams<const S extends ParamSchema>(schema: S): S {
  return schema
}

export interface ParamIssue {
  /** dotted path of the offending value, e.g. `base_models[0].params.num_leaves` */
  path: string
  message: string
  value: unknown
  valid?: (string | number)[]
}

const NAME_RE = /^[a-z][a-z0-9_]*$/

/** Human phrasing of what a number definition accepts: "integer with 2 ≤ value ≤ 4096". */
export function describeRange(def: NumberParam | NumberArrayParam): string {
  const integer = def.type === 'int' || (def.type === 'number_array' && def.integer === true)
  const kind = integer ? 'integer' : 'number'
  const lo = def.min === undefined ? '' : `${def.min} ${def.exclusiveMin ? '<' : '≤'} `
  const hi = def.max === undefined ? '' : ` ${def.exclusiveMax ? '<' : '≤'} ${def.max}`
  const range = lo || hi ? ` with ${lo}value${hi}` : ''
  const nul = def.type !== 'number_array' && def.nullable ? ' or null' : ''
  return `${kind}${range}${nul}`
}

/** One line for help texts: "number with 0 < value ≤ 1, default 0.1". */
export function describeParam(def: ParamDef): string {
  const dflt = `default ${JSON.stringify(def.default)}`
  switch (def.type) {
    case 'enum':
      return `one of ${def.choices.join(' | ')}, ${dflt}`
    case 'boolean':
      return `true or false, ${dflt}`
    case 'number_array': {
      const len = def.minItems !== undefined || def.maxItems !== undefined ? ` (${def.minItems ?? 0}..${def.maxItems ?? '∞'} items)` : ''
      return `list of ${describeRange(def)}${len}, ${dflt}`
    }
    default:
      return `${describeRange(def)}, ${dflt}`
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'a mapping'
  return String(v)
}

function numberIssue(def: NumberParam | NumberArrayParam, v: unknown, path: string, integer: boolean): ParamIssue | undefined {
  const valid = [def.min, def.max].filter((x): x is number => x !== undefined)
  const expected = describeRange(def)
  const bad = (why: string): ParamIssue => ({ path, value: v, valid, message: `${show(v)} ${why}; valid: ${expected}` })
  if (typeof v !== 'number') return bad('is not a number')
  if (!Number.isFinite(v)) return bad('is not a finite number')
  if (integer && !Number.isSafeInteger(v)) return bad('is not an integer')
  if (def.min !== undefined && (def.exclusiveMin ? v <= def.min : v < def.min)) return bad('is below the minimum')
  if (def.max !== undefined && (def.exclusiveMax ? v >= def.max : v > def.max)) return bad('is above the maximum')
  return undefined
}

function valueIssues(def: ParamDef, v: unknown, path: string): ParamIssue[] {
  switch (def.type) {
    case 'number':
    case 'int': {
      if (v === null && def.nullable) return []
      const i = numberIssue(def, v, path, def.type === 'int')
      return i ? [i] : []
    }
    case 'enum':
      if (typeof v === 'string' && def.choices.includes(v)) return []
      return [{ path, value: v, valid: [...def.choices], message: `${show(v)} is not a valid choice; valid: ${def.choices.join(', ')}` }]
    case 'boolean':
      if (typeof v === 'boolean') return []
      return [{ path, value: v, valid: ['true', 'false'], message: `${show(v)} is not a boolean; valid: true, false` }]
    case 'number_array': {
      if (!Array.isArray(v)) return [{ path, value: v, message: `${show(v)} is not a list; valid: list of ${describeRange(def)}` }]
      const out: ParamIssue[] = []
      if (def.minItems !== undefined && v.length < def.minItems)
        out.push({ path, value: v, valid: [def.minItems], message: `has ${v.length} items; at least ${def.minItems} needed` })
      if (def.maxItems !== undefined && v.length > def.maxItems)
        out.push({ path, value: v, valid: [def.maxItems], message: `has ${v.length} items; at most ${def.maxItems} allowed` })
      v.forEach((item, k) => {
        const i = numberIssue(def, item, `${path}[${k}]`, def.integer === true)
        if (i) out.push(i)
      })
      return out
    }
  }
}

/** Every problem with `input` against `schema`, each located at `path.<name>`. Empty = valid. */
export function paramIssues(schema: ParamSchema, input: unknown, path = 'params'): ParamIssue[] {
  if (input === undefined || input === null) return []
  if (typeof input !== 'object' || Array.isArray(input))
    return [{ path, value: input, message: `expected a mapping of parameter names to values, got ${show(input)}` }]
  const known = Object.keys(schema)
  const out: ParamIssue[] = []
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const def = Object.hasOwn(schema, k) ? schema[k] : undefined
    if (!def) {
      out.push({ path: `${path}.${k}`, value: k, valid: known, message: unknownNameMessage('parameter', k, known.length ? known : ['(none)']) })
      continue
    }
    if (v === undefined) continue
    out.push(...valueIssues(def, v, `${path}.${k}`))
  }
  return out
}

function copy<T>(v: T): T {
  return Array.isArray(v) ? (v.slice() as T) : v
}

/** The schema's defaults as a fresh object (arrays copied, so callers may mutate them). */
export function defaultParams<S extends ParamSchema>(schema: S): ParamValues<S> {
  const out: Record<string, unknown> = {}
  for (const [k, def] of Object.entries(schema)) out[k] = copy(def.default)
  return out as ParamValues<S>
}

/**
 * Validate `input` and fill the missing keys with defaults. Throws FactoryError E_PARAM naming the
 * first bad path, its value and the valid range or choices; `details.issues` lists all of them.
 */
export function validateParams<S extends ParamSchema>(schema: S, input: unknown, path = 'params'): ParamValues<S> {
  const issues = paramIssues(schema, input, path)
  if (issues.length) {
    const first = issues[0]
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
    throw new FactoryError('E_PARAM', `invalid parameter at ${first.path}: ${first.message}${more}`, {
      path: first.path,
      value: first.value,
      ...(first.valid ? { valid: first.valid } : {}),
      issues,
    })
  }
  const out = defaultParams(schema) as Record<string, unknown>
  if (input && typeof input === 'object') {
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) if (v !== undefined) out[k] = copy(v)
  }
  return out as ParamValues<S>
}

/** JSON Schema (draft 2020-12 subset) of a params mapping, for the YAML editor's completions. */
export function paramsJsonSchema(schema: ParamSchema): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const [k, def] of Object.entries(schema)) properties[k] = paramJsonSchema(def)
  return { type: 'object', properties, additionalProperties: false }
}

function bounds(def: NumberParam | NumberArrayParam): Record<string, number> {
  const b: Record<string, number> = {}
  if (def.min !== undefined) b[def.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = def.min
  if (def.max !== undefined) b[def.exclusiveMax ? 'exclusiveMaximum' : 'maximum'] = def.max
  return b
}

function paramJsonSchema(def: ParamDef): Record<string, unknown> {
  const common = { ...(def.description ? { description: def.description } : {}), default: copy(def.default) }
  switch (def.type) {
    case 'number':
    case 'int': {
      const t = def.type === 'int' ? 'integer' : 'number'
      return { type: def.nullable ? [t, 'null'] : t, ...bounds(def), ...common }
    }
    case 'enum':
      return { type: 'string', enum: [...def.choices], ...common }
    case 'boolean':
      return { type: 'boolean', ...common }
    case 'number_array':
      return {
        type: 'array',
        items: { type: def.integer ? 'integer' : 'number', ...bounds(def) },
        ...(def.minItems !== undefined ? { minItems: def.minItems } : {}),
        ...(def.maxItems !== undefined ? { maxItems: def.maxItems } : {}),
        ...common,
      }
  }
}

/** One form field per parameter, in declaration order: what the CLI/UI form generator walks. */
export type ParamField = ParamDef & { name: string; summary: string }

export function listParams(schema: ParamSchema): ParamField[] {
  return Object.entries(schema).map(([name, def]) => ({ ...JSON.parse(JSON.stringify(def)), name, summary: describeParam(def) }))
}

/**
 * Check a schema itself (a plug-in bug, caught at registration): lower_snake names, known types,
 * non-empty unique choices, min ≤ max, and a default that passes its own validation.
 */
export function schemaProblems(schema: ParamSchema): string[] {
  const out: string[] = []
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return ['defaults must be a mapping of parameter definitions']
  for (const [k, def] of Object.entries(schema)) {
    if (!NAME_RE.test(k)) out.push(`parameter name '${k}' is not lower_snake_case`)
    if (!def || !PARAM_TYPES.includes(def.type)) {
      out.push(`parameter '${k}' has unknown type ${show(def?.type)}; known: ${PARAM_TYPES.join(', ')}`)
      continue
    }
    if (def.type === 'enum' && (def.choices.length === 0 || new Set(def.choices).size !== def.choices.length))
      out.push(`parameter '${k}' needs non-empty, unique choices`)
    if ((def.type === 'number' || def.type === 'int' || def.type === 'number_array') && def.min !== undefined && def.max !== undefined && def.min > def.max)
      out.push(`parameter '${k}' has min ${def.min} > max ${def.max}`)
    for (const issue of valueIssues(def, def.default, k)) out.push(`default of '${k}': ${issue.message}`)
  }
  return out
}
