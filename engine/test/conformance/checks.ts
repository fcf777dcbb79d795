import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { Outputs, SavedComponent, Tensor } from '../../contracts/component.ts'

/**
 * What every kind's battery is made of: named checks over a "subject" (one registry entry with its
 * synthetic data), each throwing an AssertionError that says what the component did wrong. Kept
 * free of node:test so a battery can also be run on a deliberately broken component and its
 * failures inspected (brokenModels.test.ts).
 */

export interface Check<S> {
  name: string
  /** a reason to skip (e.g. the spec does not declare the capability), or undefined to run */
  skip?: (subject: S) => string | undefined
  run: (subject: S) => Promise<void>
}

export interface CheckResult {
  check: string
  status: 'pass' | 'fail' | 'skip'
  message?: string
}

export async function runChecks<S>(checks: readonly Check<S>[], subject: S): Promise<CheckResult[]> {
  const out: CheckResult[] = []
  for (const c of checks) {
    const why = c.skip?.(subject)
    if (why !== undefined) {
      out.push({ check: c.name, status: 'skip', message: why })
      continue
    }
    try {
      await c.run(subject)
      out.push({ check: c.name, status: 'pass' })
    } catch (e) {
      out.push({ check: c.name, status: 'fail', message: e instanceof Error ? e.message : String(e) })
    }
  }
  return out
}

/** The FactoryError a call raised; fails when it resolved or raised anything else. */
export async function expectCode(what: string, call: () => unknown, code: string): Promise<FactoryError> {
  let err: unknown
  try {
    await call()
  } catch (e) {
    err = e
  }
  if (err === undefined) assert.fail(`${what}: expected FactoryError ${code}, but it succeeded`)
  if (!(err instanceof FactoryError)) assert.fail(`${what}: expected FactoryError ${code}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`)
  assert.equal(err.code, code, `${what}: expected ${code}, got ${err.code} (${err.message})`)
  return err
}

/** Bit-identical outputs (Object.is: NaN equals NaN, 0 differs from −0), with the first difference named. */
export function assertSameOutputs(a: Outputs, b: Outputs, what: string, rows?: number): void {
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `${what}: different output names`)
  for (const [name, col] of Object.entries(a) as [string, Float64Array][]) {
    const other = (b as Record<string, Float64Array>)[name]
    const len = rows ?? col.length
    if (rows === undefined) assert.equal(other.length, col.length, `${what}: '${name}' has ${other.length} values, expected ${col.length}`)
    for (let i = 0; i < len; i++)
      if (!Object.is(col[i], other[i])) assert.fail(`${what}: '${name}' differs at row ${i}: ${col[i]} vs ${other[i]}`)
  }
}

/** A saved component after a trip through JSON text (structure) and copied typed arrays (bulk). */
export function roundTrip(saved: SavedComponent): SavedComponent {
  const { arrays, ...rest } = saved
  const text = JSON.stringify(rest)
  const parsed = JSON.parse(text) as Omit<SavedComponent, 'arrays'>
  assert.deepEqual(parsed, rest, 'the saved structure (config, state, shape, names) does not survive JSON: NaN, Infinity, undefined or a typed array in state?')
  const copied: SavedComponent['arrays'] = {}
  for (const [k, v] of Object.entries(arrays)) {
    assert.ok(ArrayBuffer.isView(v) && !(v instanceof DataView), `saved array '${k}' is not a typed array`)
    copied[k] = v.slice()
  }
  return { ...parsed, arrays: copied }
}

export function withValue(t: Tensor, index: number, value: number): Tensor {
  const data = t.data.slice()
  data[index] = value
  return { data, shape: t.shape }
}
