import { createRequire } from 'node:module'
import { FactoryError } from '../../../contracts/errors.ts'

/**
 * The koffi binding of the XGBoost C API (libxgboost, Debian `libxgboost0`). Loaded lazily, on the
 * first fit/predict/load of a native model: registering the model, listing it or validating a
 * config never touches the native library, so a machine without it can still use everything else.
 * koffi itself is required lazily too, for the same reason (its addon is a native binary).
 *
 * Only the calls the engine needs are bound. All are synchronous; training yields to the event loop
 * between rounds instead (xgboost.ts), because XGBGetLastError is thread-local in libxgboost and an
 * error raised on koffi's async worker thread could not be read back on this one.
 */

export const LIBRARY_ENV = 'FACTORY_LIBXGBOOST'
export const DEFAULT_LIBRARY = 'libxgboost.so.0'
export const INSTALL_HINT = 'apt-get install libxgboost0'

/** Opaque handles are koffi pointer objects; typed apart so a DMatrix cannot go where a booster must. */
export type DMatrixPtr = { readonly __brand: 'DMatrixHandle' }
export type BoosterPtr = { readonly __brand: 'BoosterHandle' }
type Out<T> = [T | null]
type Rc = number

export interface XGBoostApi {
  /** the file that was loaded (as given to dlopen) */
  readonly path: string
  readonly version: readonly [number, number, number]
  XGBGetLastError(): string
  XGDMatrixCreateFromMat(data: Float32Array, nrow: number, ncol: number, missing: number, out: Out<DMatrixPtr>): Rc
  XGDMatrixCreateFromMat_omp(data: Float32Array, nrow: number, ncol: number, missing: number, out: Out<DMatrixPtr>, nthread: number): Rc
  XGDMatrixSetFloatInfo(h: DMatrixPtr, field: string, data: Float32Array, len: number): Rc
  XGDMatrixFree(h: DMatrixPtr): Rc
  XGBoosterCreate(dmats: DMatrixPtr[], len: number, out: Out<BoosterPtr>): Rc
  XGBoosterFree(h: BoosterPtr): Rc
  XGBoosterSetParam(h: BoosterPtr, name: string, value: string): Rc
  XGBoosterUpdateOneIter(h: BoosterPtr, iter: number, dtrain: DMatrixPtr): Rc
  XGBoosterEvalOneIter(h: BoosterPtr, iter: number, dmats: DMatrixPtr[], names: string[], len: number, out: Out<string>): Rc
  XGBoosterPredict(h: BoosterPtr, d: DMatrixPtr, optionMask: number, ntreeLimit: number, training: number, outLen: Out<number | bigint>, out: Out<unknown>): Rc
  XGBoosterSlice(h: BoosterPtr, begin: number, end: number, step: number, out: Out<BoosterPtr>): Rc
  XGBoosterBoostedRounds(h: BoosterPtr, out: Out<number>): Rc
  XGBoosterSaveModelToBuffer(h: BoosterPtr, config: string, outLen: Out<number | bigint>, out: Out<unknown>): Rc
  XGBoosterLoadModelFromBuffer(h: BoosterPtr, buf: Uint8Array, len: number): Rc
  /** copy `len` elements of a C array owned by libxgboost into JS memory */
  copyFloats(ptr: unknown, len: number): Float32Array
  copyBytes(ptr: unknown, len: number): Uint8Array
}

interface KoffiLike {
  load(path: string): { func(decl: string): (...args: unknown[]) => unknown }
  pointer(name: string, ref: unknown): unknown
  opaque(): unknown
  view(ptr: unknown, byteLength: number): ArrayBuffer
}

let koffiModule: KoffiLike | undefined
const loaded = new Map<string, XGBoostApi>()

function koffi(): KoffiLike {
  if (!koffiModule) {
    const k = createRequire(import.meta.url)('koffi') as KoffiLike
    // koffi's named types are process-global: declare them exactly once, whatever library loads
    k.pointer('DMatrixHandle', k.opaque())
    k.pointer('BoosterHandle', k.opaque())
    koffiModule = k
  }
  return koffiModule
}

/** The path a load would try: the explicit one, else $FACTORY_LIBXGBOOST, else the soname. */
export function resolveLibraryPath(explicit?: string): string {
  if (explicit !== undefined && explicit !== '') return explicit
  const env = process.env[LIBRARY_ENV]
  return env !== undefined && env !== '' ? env : DEFAULT_LIBRARY
}

function unavailable(path: string, why: string): FactoryError {
  return new FactoryError(
    'E_NATIVE_LIBRARY',
    `native XGBoost is not available: could not load '${path}' (${why}). Install it with \`${INSTALL_HINT}\` (Debian/Ubuntu), or point $${LIBRARY_ENV} at a libxgboost shared library`,
    { path, value: path, valid: [DEFAULT_LIBRARY], env: LIBRARY_ENV, install: INSTALL_HINT },
  )
}

/**
 * Load (once per path) and bind libxgboost. Throws E_NATIVE_LIBRARY naming the path tried, the
 * environment variable and the install command when the file is missing or is not libxgboost.
 */
export function loadXGBoost(libraryPath?: string): XGBoostApi {
  const path = resolveLibraryPath(libraryPath)
  const cached = loaded.get(path)
  if (cached) return cached
  let k: KoffiLike
  try {
    k = koffi()
  } catch (e) {
    throw unavailable(path, `the koffi FFI module failed to load: ${e instanceof Error ? e.message : String(e)}`)
  }
  // libgomp's default wait policy spins between parallel regions; with other workers on the same
  // cores (the runner trains models side by side) two spinning threads slowed a round 10-100×
  // (measured: 100 trees on 100k × 40 took 10-31 s spinning vs 4-6 s passive on a loaded 2-core
  // box). libgomp reads the variable once, when dlopen pulls it in, so it is set before the load
  // and only when the user has not chosen a policy.
  process.env.OMP_WAIT_POLICY ??= 'passive'
  let lib: ReturnType<KoffiLike['load']>
  try {
    lib = k.load(path)
  } catch (e) {
    throw unavailable(path, e instanceof Error ? e.message.split('\n')[0] : String(e))
  }
  const fn = (decl: string) => {
    try {
      return lib.func(decl)
    } catch (e) {
      throw unavailable(path, `it lacks a symbol of the XGBoost C API (${decl.replace(/\(.*/, '')}): ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  const versionFn = fn('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)')
  const v: [number[], number[], number[]] = [[0], [0], [0]]
  versionFn(...v)
  const api = {
    path,
    version: [v[0][0], v[1][0], v[2][0]] as const,
    XGBGetLastError: fn('const char *XGBGetLastError()'),
    XGDMatrixCreateFromMat: fn('int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ DMatrixHandle *out)'),
    XGDMatrixCreateFromMat_omp: fn('int XGDMatrixCreateFromMat_omp(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ DMatrixHandle *out, int nthread)'),
    XGDMatrixSetFloatInfo: fn('int XGDMatrixSetFloatInfo(DMatrixHandle h, const char *field, const float *a, uint64_t len)'),
    XGDMatrixFree: fn('int XGDMatrixFree(DMatrixHandle h)'),
    XGBoosterCreate: fn('int XGBoosterCreate(DMatrixHandle *dmats, uint64_t len, _Out_ BoosterHandle *out)'),
    XGBoosterFree: fn('int XGBoosterFree(BoosterHandle h)'),
    XGBoosterSetParam: fn('int XGBoosterSetParam(BoosterHandle h, const char *name, const char *value)'),
    XGBoosterUpdateOneIter: fn('int XGBoosterUpdateOneIter(BoosterHandle h, int iter, DMatrixHandle dtrain)'),
    XGBoosterEvalOneIter: fn('int XGBoosterEvalOneIter(BoosterHandle h, int iter, DMatrixHandle *dmats, const char **names, uint64_t len, _Out_ const char **out)'),
    XGBoosterPredict: fn('int XGBoosterPredict(BoosterHandle h, DMatrixHandle d, int mask, unsigned int ntree, int training, _Out_ uint64_t *len, _Out_ void **out)'),
    XGBoosterSlice: fn('int XGBoosterSlice(BoosterHandle h, int begin, int end, int step, _Out_ BoosterHandle *out)'),
    XGBoosterBoostedRounds: fn('int XGBoosterBoostedRounds(BoosterHandle h, _Out_ int *out)'),
    XGBoosterSaveModelToBuffer: fn('int XGBoosterSaveModelToBuffer(BoosterHandle h, const char *config, _Out_ uint64_t *len, _Out_ void **out)'),
    XGBoosterLoadModelFromBuffer: fn('int XGBoosterLoadModelFromBuffer(BoosterHandle h, const void *buf, uint64_t len)'),
    // view() aliases native memory; slice() copies it out before libxgboost reuses the buffer
    copyFloats: (ptr: unknown, len: number) => new Float32Array(len === 0 ? new ArrayBuffer(0) : k.view(ptr, len * 4).slice(0)),
    copyBytes: (ptr: unknown, len: number) => new Uint8Array(len === 0 ? new ArrayBuffer(0) : k.view(ptr, len).slice(0)),
  } as unknown as XGBoostApi
  loaded.set(path, api)
  return api
}

/** Why native XGBoost cannot be used here, or undefined when it loads (a probe for tests and the UI). */
export function xgboostUnavailableReason(libraryPath?: string): string | undefined {
  try {
    loadXGBoost(libraryPath)
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}
