import { FactoryError } from '../../contracts/errors.ts'
import {
  DEFAULT_EMBARGO,
  DEFAULT_MIN_TRAIN,
  DEFAULT_PURGE,
  DEFAULT_TEST_FRACTION,
  type ResolvedCommon,
  type SplitCommonOptions,
} from './spec.ts'

/** Integer setting check; E_PARAM names the config path, the value and the allowed range. */
export function checkInt(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`
    throw new FactoryError('E_PARAM', `splits.${name} must be ${range}; got ${JSON.stringify(value)}`, {
      path: `splits.${name}`,
      value,
    })
  }
  return value
}

/** Spec rule 1: T = test_bars, else floor(n · test_fraction). */
export function finalTestBars(n: number, o: SplitCommonOptions): number {
  if (o.test_bars !== undefined) return o.test_bars
  return Math.floor(n * (o.test_fraction ?? DEFAULT_TEST_FRACTION))
}

function describeFinal(o: SplitCommonOptions): string {
  return o.test_bars !== undefined ? `test_bars ${o.test_bars}` : `test_fraction ${o.test_fraction ?? DEFAULT_TEST_FRACTION}`
}

/** Validates the shared settings and lays out the final test span and development region (rules 1–2). */
export function resolveCommon(labelEnd: Int32Array, o: SplitCommonOptions): ResolvedCommon {
  if (!(labelEnd instanceof Int32Array)) {
    throw new FactoryError('E_SHAPE', 'labelEnd must be an Int32Array (last bar each label reads, −1 if none)', {
      value: Object.prototype.toString.call(labelEnd),
    })
  }
  const n = labelEnd.length
  const purge = checkInt('purge', o.purge ?? DEFAULT_PURGE, 0)
  const embargo = checkInt('embargo', o.embargo ?? DEFAULT_EMBARGO, 0)
  const min_train = checkInt('min_train', o.min_train ?? DEFAULT_MIN_TRAIN, 1)
  if (o.test_bars !== undefined) checkInt('test_bars', o.test_bars, 1)
  else if (o.test_fraction !== undefined) {
    const f = o.test_fraction
    if (typeof f !== 'number' || !(f > 0 && f < 1)) {
      throw new FactoryError('E_PARAM', `splits.test_fraction must be a number in (0, 1); got ${JSON.stringify(f)}`, {
        path: 'splits.test_fraction',
        value: f,
      })
    }
  }
  const T = finalTestBars(n, o)
  if (T < 1) {
    throw new FactoryError('E_SPLIT', `${describeFinal(o)} of ${n} bars leaves a final test span of ${T} bars; it needs at least 1`, {
      path: o.test_bars !== undefined ? 'splits.test_bars' : 'splits.test_fraction',
      value: o.test_bars ?? o.test_fraction ?? DEFAULT_TEST_FRACTION,
    })
  }
  const f = n - T
  const D = f - purge - embargo
  return {
    n,
    purge,
    embargo,
    test_bars: T,
    min_train,
    finalTest: { start: Math.max(0, f), end: n },
    development: { start: 0, end: Math.max(0, D) },
  }
}

/**
 * Smallest bar count for which `fits` holds, for "need at least N bars; have M" messages.
 * `fits` is a label-free estimate of the layout, close to monotone in n; exponential then
 * binary search keeps it at a few dozen evaluations.
 */
export function minBarsNeeded(fits: (n: number) => boolean, have: number): number | undefined {
  let hi = Math.max(2, have)
  let guard = 0
  while (!fits(hi)) {
    hi *= 2
    if (++guard > 40) return undefined
  }
  let lo = 1
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (fits(mid)) hi = mid
    else lo = mid + 1
  }
  return lo
}

export function describeCommon(o: SplitCommonOptions, c: ResolvedCommon): string {
  return `purge ${c.purge}, embargo ${c.embargo}, ${describeFinal(o)}, min_train ${c.min_train}`
}
