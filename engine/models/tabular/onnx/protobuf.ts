/**
 * A minimal protobuf writer for the few ONNX messages the exporter emits. protobufjs (onnx-proto)
 * queues one operation object per repeated value, which for a deep forest (millions of node
 * attributes) took 45 s and ran V8 out of heap; this writes packed fields straight into one
 * growing byte buffer. Nested messages are written into a child writer and copied in behind their
 * length, as protobuf needs the length first.
 */

const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_LEN = 2
const WIRE_FIXED32 = 5

const utf8 = new TextEncoder()

function varintSize(v: number): number {
  if (v < 0) return 10
  let s = 1
  while (v >= 128) {
    v = Math.floor(v / 128)
    s++
  }
  return s
}

export class PbWriter {
  private buf = new Uint8Array(256)
  private view = new DataView(this.buf.buffer)
  private pos = 0

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.pos + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  /** An unsigned varint, or a negative int64 as its 10-byte two's complement (int64 fields). */
  private varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`protobuf varint ${v} is not a safe integer`)
    this.ensure(10)
    if (v < 0) {
      let b = BigInt.asUintN(64, BigInt(v))
      for (let k = 0; k < 10; k++, b >>= 7n) this.buf[this.pos++] = Number(b & 0x7fn) | (k < 9 ? 0x80 : 0)
      return
    }
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 0x80
      v = Math.floor(v / 128)
    }
    this.buf[this.pos++] = v
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire)
  }

  int(field: number, v: number): this {
    this.tag(field, WIRE_VARINT)
    this.varint(v)
    return this
  }

  float(field: number, v: number): this {
    this.tag(field, WIRE_FIXED32)
    this.ensure(4)
    this.view.setFloat32(this.pos, v, true)
    this.pos += 4
    return this
  }

  double(field: number, v: number): this {
    this.tag(field, WIRE_FIXED64)
    this.ensure(8)
    this.view.setFloat64(this.pos, v, true)
    this.pos += 8
    return this
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN)
    this.varint(b.length)
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
    return this
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s))
  }

  /** A packed repeated int32/int64 field. */
  packedInts(field: number, values: ArrayLike<number>): this {
    let size = 0
    for (let i = 0; i < values.length; i++) size += varintSize(values[i])
    this.tag(field, WIRE_LEN)
    this.varint(size)
    this.ensure(size)
    for (let i = 0; i < values.length; i++) this.varint(values[i])
    return this
  }

  /** A packed repeated float field (values rounded to float32). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    this.tag(field, WIRE_LEN)
    this.varint(values.length * 4)
    this.ensure(values.length * 4)
    for (let i = 0; i < values.length; i++, this.pos += 4) this.view.setFloat32(this.pos, values[i], true)
    return this
  }

  message(field: number, write: (w: PbWriter) => void): this {
    const child = new PbWriter()
    write(child)
    return this.bytes(field, child.finish())
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }
}

/** Little-endian IEEE doubles, as ONNX TensorProto.raw_data stores them. */
export function rawDoubles(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8)
  const v = new DataView(out.buffer)
  for (let i = 0; i < values.length; i++) v.setFloat64(i * 8, values[i], true)
  return out
}
