import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../rng.ts'
import { isMissingText, parseDecimal } from './parseNumber.ts'

const enc = (s: string) => Buffer.from(s, 'latin1')
const p = (s: string) => {
  const b = enc(s)
  return parseDecimal(b, 0, b.length)
}

test('100k random decimals parse to exactly the double Number() gives', () => {
  const rng = createRng(20240601)
  let mismatches = 0
  const first: string[] = []
  for (let k = 0; k < 100_000; k++) {
    const intDigits = rng.int(9) // 0..8 integer digits
    const fracDigits = rng.int(18) // 0..17: crosses the 15-significant-digit fast-path limit
    let s = rng.next() < 0.2 ? '-' : ''
    s += intDigits === 0 ? '0' : String(1 + rng.int(9)) + Array.from({ length: intDigits - 1 }, () => rng.int(10)).join('')
    if (fracDigits > 0) s += '.' + Array.from({ length: fracDigits }, () => rng.int(10)).join('')
    if (k % 10 === 0) s += `e${rng.int(40) - 20}` // exponent form: the slow path
    const got = p(s)
    const want = Number(s)
    if (!Object.is(got, want)) {
      mismatches++
      if (first.length < 5) first.push(`${s}: ${got} vs ${want}`)
    }
  }
  assert.equal(mismatches, 0, first.join('; '))
})

test('price-like decimals round-trip through String() (shortest form)', () => {
  const rng = createRng(7)
  for (let k = 0; k < 20_000; k++) {
    const v = Math.round(rng.next() * 1e7) / 100 // cents
    assert.equal(p(String(v)), v)
  }
})

test('edge forms: signs, leading dot, trailing dot, leading zeros', () => {
  assert.equal(p('+5'), 5)
  assert.ok(Object.is(p('-0'), -0))
  assert.equal(p('.5'), 0.5)
  assert.equal(p('1.'), 1)
  assert.equal(p('000123.4500'), 123.45)
  assert.equal(p('1e3'), 1000)
  assert.equal(p('2.5E-3'), 0.0025)
  assert.equal(p('inf'), Infinity)
  assert.equal(p('-Infinity'), -Infinity)
})

test('junk that Number() would accept or mangle is NaN', () => {
  for (const s of ['', '.', '-', '1.2.3', '12x', '0x1f', '1_000', ' 1', '1,5', 'abc', '1e', '--1', '１']) {
    assert.ok(Number.isNaN(p(s)), `'${s}' should be NaN`)
  }
})

test('missing-value texts are recognised, other junk is not', () => {
  for (const s of ['', 'NaN', 'nan', 'NA', 'null', 'None', 'N/A']) assert.ok(isMissingText(enc(s), 0, s.length), s)
  for (const s of ['abc', '1.2.3', 'nanx', 'missing']) assert.ok(!isMissingText(enc(s), 0, s.length), s)
})
