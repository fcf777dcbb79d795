import { FactoryError } from '../../contracts/errors.ts'
import type { FitData, NumericArray, Outputs } from '../../contracts/component.ts'

/**
 * Pieces every conformal plug-in shares: the `coverage` parameter, reading the realised outcome,
 * checking column names, and emitting an interval as outputs.
 *
 * Output convention (see README.md): the closed output set has no "lower/upper bound" names, so a
 * conformal method emits its interval as `q05` (lower bound) and `q95` (upper bound) plus
 * `uncertainty` (width). At the default coverage 0.9 these are literally the 5 % / 95 % band; at
 * another coverage the names stay and mean "lower / upper conformal bound at that coverage".
 */

export const COVERAGE_PARAM = {
  type: 'number',
  default: 0.9,
  min: 0,
  max: 1,
  exclusiveMin: true,
  exclusiveMax: true,
  description: 'target coverage 1 − α; the bounds are emitted as q05 (lower) and q95 (upper) whatever the coverage',
} as const

export const INTERVAL_OUTPUTS = ['q05', 'q95', 'uncertainty'] as const

/** y.ret, the realised outcome the scores compare predictions with. */
export function readOutcome(label: string, data: FitData): Float64Array {
  const ret = data.y?.ret
  if (!ret)
    throw new FactoryError('E_CONFIG', `${label} scores predictions against the realised outcome y.ret; got targets: ${Object.keys(data.y ?? {}).join(', ') || '(none)'}`, {
      path: 'y.ret',
      valid: ['ret'],
    })
  return ret
}

/** When the caller names the columns, they must be the ones this layout reads, in order. */
export function checkNames(label: string, names: readonly string[] | undefined, expected: readonly string[]): void {
  if (!names) return
  if (names.length === expected.length && names.every((n, i) => n === expected[i])) return
  throw new FactoryError('E_SHAPE', `${label} reads the columns [${expected.join(', ')}] in this order; got [${names.join(', ')}]`, {
    path: 'names',
    value: [...names],
    valid: [...expected],
  })
}

/**
 * Outputs of an interval [lo, hi]. A crossed interval (lo > hi, an empty prediction set, which CQR
 * with a negative correction or ACI with α_t ≥ 1 can produce) is emitted as is — no silent repair —
 * and its width, the length of an empty set, is 0. An unbounded side is ±∞ and the width +∞.
 */
export function intervalOutputs(lo: Float64Array, hi: Float64Array): Outputs {
  const n = lo.length
  const width = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const w = hi[i] - lo[i]
    width[i] = w > 0 ? w : 0
  }
  return { q05: lo, q95: hi, uncertainty: width }
}

/** A Float64Array from saved arrays, or E_CONFIG naming what the saved state should hold. */
export function savedArray(label: string, arrays: Record<string, NumericArray>, name: string, length?: number): Float64Array {
  const a = arrays[name]
  if (!(a instanceof Float64Array) || (length !== undefined && a.length !== length))
    throw new FactoryError('E_CONFIG', `${label} saved state needs a Float64Array '${name}'${length === undefined ? '' : ` of length ${length}`}; got ${Object.keys(arrays).join(', ') || 'none'}`, {
      value: Object.keys(arrays),
      valid: [name],
    })
  return a.slice()
}
