import { z } from 'zod'
import { unknownNameMessage } from '../../contracts/errors.ts'
import { paramIssues } from '../../contracts/params.ts'
import type { ParamDef } from '../../contracts/params.ts'
import type { IssueParams } from './issues.ts'
import { parsePath, show } from './issues.ts'

/**
 * Small zod building blocks with the project's messages: closed mappings that name the unknown key
 * and the known ones, scalar fields checked by the same code as plug-in params (so a bad `seed`
 * reads like a bad `learning_rate`), and name fields whose closed set is given at call time.
 */

type Ctx = z.core.$RefinementCtx<unknown>

export function addIssue(ctx: Ctx, message: string, path: (string | number)[] = [], params: IssueParams = {}): void {
  ctx.addIssue({ code: 'custom', message, path, params: params as Record<string, unknown>, input: undefined })
}

/** Runs even when a child already failed, so one pass reports every problem it can see. */
export const ALWAYS = { when: () => true } as const

/** A mapping with exactly these keys: any other key is an issue at that key naming the known ones. */
export function mapping<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape)
  const unknownKey = z.unknown().superRefine((_v, ctx) => addIssue(ctx, 'unknown key', [], { atKey: true, valid: known, unknownKey: true } as IssueParams))
  return z.object(shape).catchall(unknownKey)
}


/** One scalar checked like a plug-in parameter; absent → `fill` (or stays absent). */
export function scalar(def: ParamDef, fill: 'default' | 'absent' = 'absent') {
  return z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return
      for (const i of paramIssues({ v: def }, { v }, '')) addIssue(ctx, i.message, parsePath(i.path).slice(1), i.valid ? { valid: i.valid } : {})
    })
    .transform((v) => (v === undefined && fill === 'default' ? def.default : v))
}

/** A non-empty string that must be given. */
export function requiredString(what: string) {
  return z.unknown().superRefine((v, ctx) => {
    if (typeof v !== 'string' || v.trim() === '') addIssue(ctx, v === undefined ? `is required: ${what}` : `expected ${what}, got ${show(v)}`)
  }) as unknown as z.ZodType<string>
}

/**
 * A name from a closed set known only at call time (a registry snapshot). An empty set still
 * answers in the one phrasing: "unknown ensemble 'stacking'; known: (none yet)".
 */
export function nameOf(word: string, names: readonly string[]) {
  const sorted = [...names].sort()
  const msg = (input: unknown) =>
    input === undefined
      ? `a ${word} name is required; known: ${sorted.length ? sorted.join(', ') : '(none yet)'}`
      : unknownNameMessage(word, typeof input === 'string' ? input : show(input), sorted.length ? sorted : ['(none yet)'])
  if (sorted.length === 0) return z.unknown().superRefine((v, ctx) => addIssue(ctx, msg(v), [], { valid: [] })) as unknown as z.ZodType<string>
  return z.enum(sorted as [string, ...string[]], { error: (iss) => msg(iss.input) })
}

/** A fixed enum with the same phrasing. */
export function choiceOf<const T extends readonly [string, ...string[]]>(word: string, values: T) {
  return z.enum(values, {
    error: (iss) => (iss.input === undefined ? `a ${word} is required; known: ${values.join(', ')}` : unknownNameMessage(word, typeof iss.input === 'string' ? iss.input : show(iss.input), values)),
  })
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
