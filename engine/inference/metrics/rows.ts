import { FactoryError } from '../../contracts/errors.ts'

/**
 * The one missing-data rule of every metric in this folder: a row where any paired input
 * (prediction, target, interval bound) is NaN is skipped, and the number of rows actually used is
 * returned beside the value. NaN means "no prediction / no label here" (warm-up bars, unlabelled
 * tails). Anything else that is wrong — ±Infinity, a label outside {0, 1}, a probability outside
 * [0, 1], a negative or non-finite weight, arrays of different lengths — is an error, not a skip:
 * silently dropping broken values would bias the score.
 */
export interface MetricResult {
  /** NaN when the metric is undefined on the rows used (no rows, one class, zero variance, …) */
  value: number
  /** rows used after skipping NaN rows */
  n: number
}

export interface WeightOption {
  /** per-row sample weights, finite and ≥ 0, same length as the inputs (rows skipped for NaN drop their weight too) */
  weight?: Float64Array
}

function paramError(fn: string, msg: string, path: string, value: unknown, valid?: readonly (string | number)[]): FactoryError {
  return new FactoryError('E_PARAM', `${fn}: ${msg}`, valid === undefined ? { path, value } : { path, value, valid })
}

/** Checks every array has the same length and returns it. */
export function checkLengths(fn: string, arrays: Readonly<Record<string, Float64Array | undefined>>): number {
  let n = -1
  let first = ''
  for (const [name, a] of Object.entries(arrays)) {
    if (a === undefined) continue
    if (n < 0) {
      n = a.length
      first = name
    } else if (a.length !== n) {
      throw new FactoryError('E_SHAPE', `${fn}: ${name} has length ${a.length} but ${first} has length ${n}; every input must have one value per row`, {
        path: name,
        value: a.length,
        valid: [n],
      })
    }
  }
  return Math.max(n, 0)
}

/** NaN is allowed (the row is skipped); ±Infinity is refused. */
export function checkFiniteOrNaN(fn: string, name: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]
    if (v === Infinity || v === -Infinity) {
      throw new FactoryError('E_NAN_INPUT', `${fn}: ${name}[${i}] is ${v}; values must be finite (NaN marks a row to skip)`, { path: `${name}[${i}]`, value: v })
    }
  }
}

/** Binary targets: 0, 1 or NaN (skipped). */
export function checkLabels(fn: string, name: string, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i]
    if (v !== 0 && v !== 1 && v === v) {
      throw paramError(fn, `${name}[${i}] = ${v}; labels must be 0 or 1 (NaN marks a row to skip)`, `${name}[${i}]`, v, [0, 1])
    }
  }
}

/** Probabilities: in [0, 1] or NaN (skipped). */
export function checkProbabilities(fn: string, name: string, p: Float64Array): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]
    if (!(v >= 0 && v <= 1) && v === v) {
      throw paramError(fn, `${name}[${i}] = ${v}; probabilities must lie in [0, 1] (NaN marks a row to skip)`, `${name}[${i}]`, v)
    }
  }
}

/** Weights are user data, not model output, so NaN is an error here rather than a skip. */
export function checkWeights(fn: string, w: Float64Array | undefined, n: number): void {
  if (w === undefined) return
  if (w.length !== n) {
    throw new FactoryError('E_SHAPE', `${fn}: weight has length ${w.length} but the inputs have ${n} rows`, { path: 'weight', value: w.length, valid: [n] })
  }
  for (let i = 0; i < n; i++) {
    const v = w[i]
    if (!(v >= 0 && v < Infinity)) throw paramError(fn, `weight[${i}] = ${v}; weights must be finite and ≥ 0`, `weight[${i}]`, v)
  }
}

export function checkProbabilityParam(fn: string, name: string, v: number, openInterval: boolean): void {
  const ok = openInterval ? v > 0 && v < 1 : v >= 0 && v <= 1
  if (!ok) throw paramError(fn, `${name} = ${v}; must lie in ${openInterval ? '(0, 1)' : '[0, 1]'}`, name, v)
}

export function checkPositiveInt(fn: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw paramError(fn, `${name} = ${v}; must be an integer ≥ 1`, name, v)
}

export function checkChoice<T extends string>(fn: string, name: string, v: string, valid: readonly T[]): asserts v is T {
  if (!(valid as readonly string[]).includes(v)) {
    throw paramError(fn, `unknown ${name} '${v}'; known: ${valid.join(', ')}`, name, v, valid)
  }
}

/**
 * Weighted mean of f(i) over rows where every array in `cols` is non-NaN — numpy's
 * np.average(x, weights=w) on the kept rows. Sum of weights 0 (or no rows) gives NaN, where numpy
 * raises.
 */
export function weightedMean(cols: readonly Float64Array[], weight: Float64Array | undefined, f: (i: number) => number): MetricResult {
  const n = cols[0].length
  let s = 0
  let sw = 0
  let used = 0
  for (let i = 0; i < n; i++) {
    let skip = false
    for (let c = 0; c < cols.length; c++) {
      const v = cols[c][i]
      if (v !== v) {
        skip = true
        break
      }
    }
    if (skip) continue
    used++
    if (weight === undefined) {
      s += f(i)
      sw += 1
    } else {
      const w = weight[i]
      s += w * f(i)
      sw += w
    }
  }
  return { value: sw > 0 ? s / sw : Number.NaN, n: used }
}
