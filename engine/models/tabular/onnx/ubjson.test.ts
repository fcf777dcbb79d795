import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../../contracts/errors.ts'
import { parseUbjson } from './ubjson.ts'

/** Bytes from a mix of ASCII markers and explicit byte arrays (big-endian payloads written by hand). */
const ubj = (...parts: (string | number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)))
const be32f = (v: number): number[] => {
  const b = new DataView(new ArrayBuffer(4))
  b.setFloat32(0, v)
  return [...new Uint8Array(b.buffer)]
}

test('scalars, strings and plain containers (as libxgboost writes keys: length without the S marker)', () => {
  assert.deepEqual(parseUbjson(ubj('{', 'i', [1], 'a', 'T', 'i', [1], 'b', 'Z', 'i', [1], 'c', 'S', 'U', [3], 'x', 'y', 'z', '}')), { a: true, b: null, c: 'xyz' })
  assert.deepEqual(parseUbjson(ubj('[', 'i', [0xff], 'U', [0xff], 'I', [0x01, 0x00], 'l', [0, 0, 1, 0], 'L', [0, 0, 0, 0, 0, 0, 0, 5], 'N', 'F', ']')), [-1, 255, 256, 256, 5, false])
  assert.equal(parseUbjson(ubj('d', be32f(0.1))), Math.fround(0.1))
  assert.equal(parseUbjson(ubj('D', [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a])), 0.1)
})

test('typed counted arrays ([$d#L…, no closing bracket) and counted objects', () => {
  const arr = ubj('[', '$', 'd', '#', 'L', [0, 0, 0, 0, 0, 0, 0, 2], be32f(1.5), be32f(-2))
  assert.deepEqual(parseUbjson(arr), [1.5, -2])
  assert.deepEqual(parseUbjson(ubj('{', '#', 'i', [2], 'i', [1], 'k', 'U', [7], 'i', [1], 'v', '[', '$', 'U', '#', 'i', [3], [1, 0, 1])), { k: 7, v: [1, 0, 1] })
})

test('truncated, trailing or unknown bytes fail with the byte offset', () => {
  const bad = (b: Uint8Array, re: RegExp) => assert.throws(() => parseUbjson(b), (e: FactoryError) => e.code === 'E_FILE_FORMAT' && re.test(e.message))
  bad(ubj('[', '$', 'd', '#', 'i', [2], be32f(1)), /truncated/)
  bad(ubj('T', 'T'), /1 bytes after the document/)
  bad(ubj('?'), /unknown marker '\?'/)
  bad(ubj('L', [0x7f, 0, 0, 0, 0, 0, 0, 0]), /beyond 2\^53/)
})
