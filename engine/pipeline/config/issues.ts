import type { z } from 'zod'
import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import type { ConfigIssue } from './types.ts'

/** Path segments → `base_models[1].params.learning_rate`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out ? `.${String(seg)}` : String(seg)
  }
  return out
}

/** `base_models[1].params.learning_rate` → segments (config keys are lower_snake, never dotted). */
export function parsePath(dotted: string): (string | number)[] {
  const out: (string | number)[] = []
  for (const m of dotted.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1])
  return out
}

export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string | number, unknown>)[seg]
  }
  return v
}

/** A value as a message shows it: strings quoted, containers named. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  if (v === undefined) return 'nothing'
  if (typeof v === 'object') return 'a mapping'
  return String(v)
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  null: 'null',
  nonoptional: 'a value',
}

/** Extra data our custom zod issues carry in `params`. */
export interface IssueParams {
  valid?: (string | number)[]
  atKey?: boolean
  /** the message is built here, from the key's name (the catch-all schema does not know it) */
  unknownKey?: boolean
}

/** A zod issue as a located config issue; `raw` is the parsed YAML, where the bad value is read. */
export function fromZodIssue(iss: z.core.$ZodIssue, raw: unknown): ConfigIssue {
  const path = iss.path.filter((s): s is string | number => typeof s !== 'symbol')
  const value = valueAt(raw, path)
  const base = { path, value, stage: 'schema' as const }
  switch (iss.code) {
    case 'custom': {
      const p = (iss.params ?? {}) as IssueParams
      const key = path[path.length - 1]
      if (p.unknownKey) return { ...base, value: key, message: unknownNameMessage('key', String(key), (p.valid ?? []).map(String)), valid: p.valid ?? [], atKey: true }
      return { ...base, message: iss.message, ...(p.valid ? { valid: p.valid } : {}), ...(p.atKey ? { atKey: true, value: path[path.length - 1] } : {}) }
    }
    case 'invalid_type': {
      const want = TYPE_WORDS[iss.expected] ?? iss.expected
      if (value === undefined) return { ...base, message: `is required (${want})` }
      return { ...base, message: `expected ${want}, got ${show(value)}` }
    }
    case 'invalid_value':
      return { ...base, message: iss.message, valid: iss.values.map((v) => (typeof v === 'number' ? v : String(v))) }
    default:
      return { ...base, message: iss.message }
  }
}

/**
 * A FactoryError thrown by one of the data-stage validators, as a config issue. Those messages
 * usually name their path already ("labels.k_up must be …", "… at data.validation.gaps"); the
 * located message puts the path in front, so it is cut from the text to avoid saying it twice.
 */
export function fromFactoryError(e: unknown, fallback: (string | number)[]): ConfigIssue {
  if (!(e instanceof FactoryError)) throw e
  const dotted = typeof e.details.path === 'string' ? e.details.path : formatPath(fallback)
  let message = e.message
  for (const prefix of [`${dotted}: `, `${dotted} `]) if (message.startsWith(prefix)) message = message.slice(prefix.length)
  message = message.split(` at ${dotted}`).join('')
  const valid = e.details.valid ? [...e.details.valid] : undefined
  return { path: parsePath(dotted), message, value: e.details.value, ...(valid ? { valid } : {}), stage: 'schema' }
}

/** Run a validator that throws FactoryError; its error becomes an issue in `out`. */
export function collect<T>(out: ConfigIssue[], fallback: (string | number)[], fn: () => T): T | undefined {
  try {
    return fn()
  } catch (e) {
    out.push(fromFactoryError(e, fallback))
    return undefined
  }
}
