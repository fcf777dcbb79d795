import { FactoryError } from '../../contracts/errors.ts'
import { checkMatrix, checkRanges, columnMoments, columnQuantiles } from './columnStats.ts'
import type { Matrix, RowRange } from './columnStats.ts'

/**
 * Feature scalers fitted on training rows only: x' = (x − center) / scale per column.
 *
 *   standard_scaler  center = mean, scale = population std (ddof 0)        — sklearn StandardScaler
 *   robust_scaler    center = median, scale = q75 − q25 (numpy 'linear')  — sklearn RobustScaler,
 *                    quantile_range (25, 75) by default
 *
 * Non-finite values are ignored per column when fitting and pass through transform unchanged
 * (NaN stays NaN, so warm-up rows stay recognisably invalid downstream). A column whose training
 * values are all equal, or whose spread is below 10·ε (sklearn's `_handle_zeros_in_scale`), gets
 * scale 1: it is only centred, never divided by ~0. A column with no finite training value is an
 * error, not a silent 0. Params are plain JSON and travel in the bundle's preproc artifact.
 */

export type ScalerType = 'standard_scaler' | 'robust_scaler'
export const SCALER_TYPES: readonly ScalerType[] = ['standard_scaler', 'robust_scaler']

export interface ScalerParams {
  type: ScalerType
  version: 1
  /** number of feature columns */
  f: number
  center: number[]
  scale: number[]
  /** finite training values each column was fitted on */
  count: number[]
  /** robust only: the percentiles whose difference is the scale */
  quantileRange?: [number, number]
  names?: string[]
}

export interface ScalerOptions {
  /** feature names, for messages and the saved schema */
  names?: readonly string[]
  /** robust only; default [25, 75] */
  quantileRange?: readonly [number, number]
}

const TINY = 10 * Number.EPSILON

export class Scaler {
  readonly type: ScalerType
  private p: ScalerParams | undefined
  private readonly options: ScalerOptions

  constructor(type: ScalerType, options: ScalerOptions = {}) {
    if (!SCALER_TYPES.includes(type)) {
      throw new FactoryError('E_UNKNOWN_NAME', `unknown scaler '${type}'; known: ${SCALER_TYPES.join(', ')}`, { value: type, valid: SCALER_TYPES })
    }
    this.type = type
    this.options = options
  }

  get fitted(): boolean {
    return this.p !== undefined
  }

  get params(): ScalerParams {
    return this.need()
  }

  /** Fits on the rows inside `trainRanges` ([start, end), ascending, disjoint) and nowhere else. */
  fit(X: Matrix, n: number, f: number, trainRanges: readonly RowRange[]): this {
    checkMatrix(X, n, f)
    checkRanges(trainRanges, n)
    const names = this.options.names
    if (names !== undefined && names.length !== f) {
      throw new FactoryError('E_SHAPE', `names has ${names.length} entries for ${f} feature columns`, { path: 'names', value: names.length, valid: [f] })
    }
    const center: number[] = [], scale: number[] = [], count: number[] = []
    let quantileRange: [number, number] | undefined
    if (this.type === 'standard_scaler') {
      const m = columnMoments(X, n, f, trainRanges, names)
      for (let j = 0; j < f; j++) {
        center.push(m.mean[j])
        scale.push(m.constant[j] || m.std[j] < TINY ? 1 : m.std[j])
        count.push(m.count[j])
      }
    } else {
      const [lo, hi] = this.options.quantileRange ?? [25, 75]
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && lo < hi && hi <= 100)) {
        throw new FactoryError('E_PARAM', `invalid quantileRange [${lo}, ${hi}]: need 0 <= low < high <= 100`, { path: 'quantileRange', value: [lo, hi], valid: ['[low, high] with 0 <= low < high <= 100'] })
      }
      quantileRange = [lo, hi]
      const q = columnQuantiles(X, n, f, trainRanges, lo, hi, names)
      for (let j = 0; j < f; j++) {
        const iqr = q.qHigh[j] - q.qLow[j]
        center.push(q.median[j])
        scale.push(iqr < TINY ? 1 : iqr)
        count.push(q.count[j])
      }
    }
    this.p = {
      type: this.type,
      version: 1,
      f,
      center,
      scale,
      count,
      ...(quantileRange ? { quantileRange } : {}),
      ...(names ? { names: [...names] } : {}),
    }
    return this
  }

  /** (x − center) / scale into a new array of X's type. */
  transform<T extends Matrix>(X: T, n: number, f: number): T {
    return this.apply(X, n, f, false)
  }

  /** center + x · scale: maps scaled targets (e.g. E_r) back to their units. */
  inverseTransform<T extends Matrix>(X: T, n: number, f: number): T {
    return this.apply(X, n, f, true)
  }

  toJSON(): ScalerParams {
    const p = this.need()
    return JSON.parse(JSON.stringify(p)) as ScalerParams
  }

  static fromJSON(json: unknown): Scaler {
    const p = json as Partial<ScalerParams> | null
    const bad = (why: string, path: string, value: unknown): never => {
      throw new FactoryError('E_CONFIG', `scaler params are invalid: ${why}`, { path, value })
    }
    if (p === null || typeof p !== 'object') return bad('not an object', '', p)
    if (!SCALER_TYPES.includes(p.type as ScalerType)) {
      throw new FactoryError('E_UNKNOWN_NAME', `unknown scaler '${String(p.type)}'; known: ${SCALER_TYPES.join(', ')}`, { path: 'type', value: p.type, valid: SCALER_TYPES })
    }
    if (p.version !== 1) bad(`unsupported version ${String(p.version)}`, 'version', p.version)
    const f = p.f
    if (!Number.isInteger(f) || (f as number) < 1) bad('f must be a positive integer', 'f', f)
    for (const key of ['center', 'scale', 'count'] as const) {
      const arr = p[key]
      if (!Array.isArray(arr) || arr.length !== f) bad(`${key} must have ${f} numbers`, key, arr)
      ;(arr as number[]).forEach((v, j) => {
        if (!Number.isFinite(v) || (key !== 'center' && v <= 0)) bad(`${key}[${j}] = ${v}`, `${key}[${j}]`, v)
      })
    }
    if (p.names !== undefined && (!Array.isArray(p.names) || p.names.length !== f)) bad(`names must have ${f} entries`, 'names', p.names)
    const s = new Scaler(p.type as ScalerType, { ...(p.names ? { names: p.names } : {}), ...(p.quantileRange ? { quantileRange: p.quantileRange } : {}) })
    s.p = JSON.parse(JSON.stringify(p)) as ScalerParams
    return s
  }

  private need(): ScalerParams {
    if (!this.p) throw new FactoryError('E_NOT_FITTED', `${this.type} used before fit: call fit(X, n, f, trainRanges) first`, { value: this.type })
    return this.p
  }

  private apply<T extends Matrix>(X: T, n: number, f: number, inverse: boolean): T {
    const p = this.need()
    checkMatrix(X, n, f)
    if (f !== p.f) {
      throw new FactoryError('E_SHAPE', `${this.type} was fitted on ${p.f} feature columns but got ${f}`, { value: f, valid: [p.f] })
    }
    const out = (X instanceof Float32Array ? new Float32Array(X.length) : new Float64Array(X.length)) as T
    const c = Float64Array.from(p.center), s = Float64Array.from(p.scale)
    for (let i = 0; i < n; i++) {
      const o = i * f
      if (inverse) for (let j = 0; j < f; j++) out[o + j] = c[j] + X[o + j] * s[j]
      else for (let j = 0; j < f; j++) out[o + j] = (X[o + j] - c[j]) / s[j]
    }
    return out
  }
}

export function standardScaler(options: ScalerOptions = {}): Scaler {
  return new Scaler('standard_scaler', options)
}

export function robustScaler(options: ScalerOptions = {}): Scaler {
  return new Scaler('robust_scaler', options)
}
