import { FactoryError } from '../contracts/errors.ts'

/**
 * Typed arrays ↔ SQLite BLOBs. Bytes are the array's own little-endian layout (every platform the
 * app ships on is little-endian), so a round trip is bit-exact, NaN payloads and -0 included.
 */

export type Dtype = 'f32' | 'f64' | 'i32'
export type DtypeArray<D extends Dtype> = D extends 'f32' ? Float32Array : D extends 'f64' ? Float64Array : Int32Array

const CTOR = { f32: Float32Array, f64: Float64Array, i32: Int32Array } as const

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new FactoryError('E_STORE', 'the run store stores little-endian arrays; this platform is big-endian')

export function dtypeOf(a: Float32Array | Float64Array | Int32Array): Dtype {
  if (a instanceof Float32Array) return 'f32'
  if (a instanceof Float64Array) return 'f64'
  if (a instanceof Int32Array) return 'i32'
  throw new FactoryError('E_STORE', `cannot store a ${Object.prototype.toString.call(a)}; use Float32Array, Float64Array or Int32Array`)
}

/** A Buffer view over the array's bytes (no copy; SQLite copies on bind). */
export function toBlob(a: Float32Array | Float64Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

/**
 * Decode a BLOB, checking its size against the expected count. The bytes are copied into a fresh
 * ArrayBuffer because SQLite's buffer need not be aligned for 4- or 8-byte elements.
 */
export function fromBlob<D extends Dtype>(blob: Uint8Array, dtype: D, n: number, what: string): DtypeArray<D> {
  const C = CTOR[dtype]
  if (blob.byteLength !== n * C.BYTES_PER_ELEMENT)
    throw new FactoryError('E_STORE', `corrupt ${what}: ${blob.byteLength} bytes for ${n} ${dtype} values (expected ${n * C.BYTES_PER_ELEMENT})`, { value: blob.byteLength })
  const copy = new Uint8Array(blob.byteLength)
  copy.set(blob)
  return new C(copy.buffer) as DtypeArray<D>
}
