import { FactoryError } from '../../../contracts/errors.ts'

/**
 * A reader of Universal Binary JSON (ubjson.org, big-endian), the format libxgboost saves models in
 * (XGBoosterSaveModelToBuffer with format "ubj"). Enough of the spec for any valid document: all
 * scalar markers, strings, and arrays/objects with or without the `$` type / `#` count
 * optimisations. Typed numeric arrays (libxgboost writes tree arrays as `[$d#L…`) come back as
 * plain number arrays; int64 values beyond 2^53 are refused rather than rounded.
 */

export type UbjValue = null | boolean | number | string | UbjValue[] | { [k: string]: UbjValue }

export function parseUbjson(bytes: Uint8Array): UbjValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const text = new TextDecoder()
  let p = 0
  const fail = (why: string): never => {
    throw new FactoryError('E_FILE_FORMAT', `UBJSON: ${why} at byte ${p} of ${bytes.length}`, { value: p })
  }
  const need = (k: number) => {
    if (p + k > bytes.length) fail(`truncated (needs ${k} more bytes)`)
  }
  const marker = (): number => {
    need(1)
    return bytes[p++]
  }
  const int = (m: number): number => {
    const ch = String.fromCharCode(m)
    switch (ch) {
      case 'i': need(1); return view.getInt8((p += 1) - 1)
      case 'U': need(1); return view.getUint8((p += 1) - 1)
      case 'I': need(2); return view.getInt16((p += 2) - 2)
      case 'l': need(4); return view.getInt32((p += 4) - 4)
      case 'L': {
        need(8)
        const v = view.getBigInt64((p += 8) - 8)
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`int64 ${v} is beyond 2^53`)
        return Number(v)
      }
      default: return fail(`expected an integer marker, got '${ch}'`)
    }
  }
  const string = (): string => {
    const len = int(marker())
    if (len < 0) fail(`negative string length ${len}`)
    need(len)
    return text.decode(bytes.subarray(p, (p += len)))
  }
  const value = (m: number): UbjValue => {
    const ch = String.fromCharCode(m)
    switch (ch) {
      case 'Z': return null
      case 'T': return true
      case 'F': return false
      case 'i': case 'U': case 'I': case 'l': case 'L': return int(m)
      case 'd': need(4); return view.getFloat32((p += 4) - 4)
      case 'D': need(8); return view.getFloat64((p += 8) - 8)
      case 'C': need(1); return String.fromCharCode(bytes[p++])
      case 'S': case 'H': return string()
      case '[': return container(false)
      case '{': return container(true)
      default: return fail(`unknown marker '${ch}' (0x${m.toString(16)})`)
    }
  }
  const container = (isObject: boolean): UbjValue => {
    let type = -1, count = -1
    if (bytes[p] === 0x24 /* $ */) {
      p++
      type = marker()
      if (bytes[p] !== 0x23 /* # */) fail("'$' type without '#' count")
    }
    if (bytes[p] === 0x23) {
      p++
      count = int(marker())
      if (count < 0) fail(`negative container count ${count}`)
    }
    const close = isObject ? 0x7d : 0x5d
    const next = (): UbjValue => value(type >= 0 ? type : marker())
    const done = (k: number): boolean => {
      if (count >= 0) return k >= count
      while (bytes[p] === 0x4e /* N no-op */) p++
      if (bytes[p] === close) {
        p++
        return true
      }
      return false
    }
    if (isObject) {
      const o: { [k: string]: UbjValue } = {}
      for (let k = 0; !done(k); k++) o[string()] = next()
      return o
    }
    const a: UbjValue[] = []
    for (let k = 0; !done(k); k++) a.push(next())
    return a
  }
  const root = value(marker())
  if (p !== bytes.length) fail(`${bytes.length - p} bytes after the document`)
  return root
}
