import { FactoryError } from '../../../contracts/errors.ts'
import type { BoosterPtr, DMatrixPtr, XGBoostApi } from './library.ts'

/**
 * Owned wrappers of libxgboost's DMatrix and Booster handles. Native memory is invisible to V8's
 * heap accounting, so nothing here relies on the garbage collector: every handle is freed by an
 * explicit `free()` (idempotent; `using` works too), callers free in `finally`, and `liveHandles()`
 * counts what is still open so tests can assert that nothing leaks.
 */

let live = 0

/** DMatrix + Booster handles created by this module and not yet freed. */
export function liveHandles(): number {
  return live
}

/** Throw the library's own message (XGBGetLastError) for a non-zero return code. */
export function check(api: XGBoostApi, rc: number, call: string): void {
  if (rc !== 0) throw new FactoryError('E_INTERNAL', `libxgboost ${call} failed: ${api.XGBGetLastError()}`, { value: call, library: api.path })
}

function toFloat32(a: ArrayLike<number>): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a)
}

export class DMatrix {
  private ptr: DMatrixPtr | null

  /** Row-major (nrow, ncol) values; NaN marks a missing value (the engine rejects NaN before here). */
  constructor(
    readonly api: XGBoostApi,
    data: ArrayLike<number>,
    readonly nrow: number,
    readonly ncol: number,
    nthread = 0,
  ) {
    const out: [DMatrixPtr | null] = [null]
    check(api, api.XGDMatrixCreateFromMat_omp(toFloat32(data), nrow, ncol, NaN, out, nthread), 'XGDMatrixCreateFromMat_omp')
    this.ptr = out[0]
    live++
  }

  get handle(): DMatrixPtr {
    if (!this.ptr) throw new FactoryError('E_INTERNAL', 'libxgboost DMatrix used after free()', {})
    return this.ptr
  }

  /** Set a per-row float field ('label', 'weight', 'base_margin'); libxgboost copies it. */
  setFloatInfo(field: 'label' | 'weight' | 'base_margin', values: ArrayLike<number>): void {
    check(this.api, this.api.XGDMatrixSetFloatInfo(this.handle, field, toFloat32(values), values.length), `XGDMatrixSetFloatInfo(${field})`)
  }

  free(): void {
    if (!this.ptr) return
    const p = this.ptr
    this.ptr = null
    live--
    check(this.api, this.api.XGDMatrixFree(p), 'XGDMatrixFree')
  }

  [Symbol.dispose](): void {
    this.free()
  }
}

export class Booster {
  private ptr: BoosterPtr | null

  private constructor(
    readonly api: XGBoostApi,
    ptr: BoosterPtr,
  ) {
    this.ptr = ptr
    live++
  }

  /** A new booster caching the given matrices (training and evaluation sets). */
  static create(api: XGBoostApi, cache: readonly DMatrix[]): Booster {
    const out: [BoosterPtr | null] = [null]
    check(api, api.XGBoosterCreate(cache.map((d) => d.handle), cache.length, out), 'XGBoosterCreate')
    return new Booster(api, out[0]!)
  }

  /** A booster read back from `toBuffer()` bytes (UBJ or JSON). */
  static fromBuffer(api: XGBoostApi, bytes: Uint8Array): Booster {
    const b = Booster.create(api, [])
    try {
      check(api, api.XGBoosterLoadModelFromBuffer(b.handle, bytes, bytes.length), 'XGBoosterLoadModelFromBuffer')
    } catch (e) {
      b.free()
      throw e
    }
    return b
  }

  get handle(): BoosterPtr {
    if (!this.ptr) throw new FactoryError('E_INTERNAL', 'libxgboost Booster used after free()', {})
    return this.ptr
  }

  setParam(name: string, value: string): void {
    check(this.api, this.api.XGBoosterSetParam(this.handle, name, value), `XGBoosterSetParam(${name}=${value})`)
  }

  setParams(params: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(params)) this.setParam(k, v)
  }

  updateOneIter(iter: number, dtrain: DMatrix): void {
    check(this.api, this.api.XGBoosterUpdateOneIter(this.handle, iter, dtrain.handle), 'XGBoosterUpdateOneIter')
  }

  /** libxgboost's evaluation line, e.g. "[3]\tvalid-logloss:0.6123" parsed to { 'valid-logloss': 0.6123 }. */
  evalOneIter(iter: number, sets: readonly { name: string; dmat: DMatrix }[]): Record<string, number> {
    const out: [string | null] = [null]
    check(
      this.api,
      this.api.XGBoosterEvalOneIter(this.handle, iter, sets.map((s) => s.dmat.handle), sets.map((s) => s.name), sets.length, out),
      'XGBoosterEvalOneIter',
    )
    const res: Record<string, number> = {}
    for (const part of (out[0] ?? '').split('\t').slice(1)) {
      const at = part.lastIndexOf(':')
      res[part.slice(0, at)] = Number(part.slice(at + 1))
    }
    return res
  }

  /** Transformed predictions (probabilities for binary:logistic), one per row of `d`, all trees. */
  predict(d: DMatrix): Float32Array {
    const len: [number | bigint | null] = [null]
    const res: [unknown] = [null]
    check(this.api, this.api.XGBoosterPredict(this.handle, d.handle, 0, 0, 0, len, res), 'XGBoosterPredict')
    const n = Number(len[0])
    if (n !== d.nrow) throw new FactoryError('E_INTERNAL', `libxgboost returned ${n} predictions for ${d.nrow} rows`, { value: n, valid: [d.nrow] })
    // the result buffer belongs to the booster and is overwritten by its next call: copy now
    return this.api.copyFloats(res[0], n)
  }

  /** Boosting rounds held (trees per output). */
  rounds(): number {
    const out: [number | null] = [null]
    check(this.api, this.api.XGBoosterBoostedRounds(this.handle, out), 'XGBoosterBoostedRounds')
    return out[0]!
  }

  /** A new booster holding rounds [begin, end); the caller owns (and frees) both. */
  slice(begin: number, end: number): Booster {
    const out: [BoosterPtr | null] = [null]
    check(this.api, this.api.XGBoosterSlice(this.handle, begin, end, 1, out), `XGBoosterSlice(${begin}, ${end})`)
    return new Booster(this.api, out[0]!)
  }

  /** The whole model (trees, objective, base_score, params) in libxgboost's own format. */
  toBuffer(format: 'ubj' | 'json' = 'ubj'): Uint8Array {
    const len: [number | bigint | null] = [null]
    const res: [unknown] = [null]
    check(this.api, this.api.XGBoosterSaveModelToBuffer(this.handle, JSON.stringify({ format }), len, res), 'XGBoosterSaveModelToBuffer')
    return this.api.copyBytes(res[0], Number(len[0]))
  }

  free(): void {
    if (!this.ptr) return
    const p = this.ptr
    this.ptr = null
    live--
    check(this.api, this.api.XGBoosterFree(p), 'XGBoosterFree')
  }

  [Symbol.dispose](): void {
    this.free()
  }
}
