import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../rng.ts'
import { daysFromCivil, isoState, parseEpoch, parseIso, type EpochUnit } from './parseTimestamp.ts'

const iso = (s: string) => {
  const b = Buffer.from(s, 'latin1')
  return parseIso(b, 0, b.length)
}
const epoch = (s: string, u: EpochUnit) => {
  const b = Buffer.from(s, 'latin1')
  return parseEpoch(b, 0, b.length, u)
}

test('daysFromCivil agrees with Date.UTC over random dates 1900–2200', () => {
  const rng = createRng(3)
  for (let k = 0; k < 20_000; k++) {
    const y = 1900 + rng.int(301)
    const m = 1 + rng.int(12)
    const d = 1 + rng.int(28)
    assert.equal(daysFromCivil(y, m, d) * 86_400_000, Date.UTC(y, m - 1, d))
  }
})

test('ISO forms: Z, offsets, space separator, fractions, date-only', () => {
  const base = Date.UTC(2024, 0, 2, 3, 4, 5)
  assert.equal(iso('2024-01-02T03:04:05Z'), base)
  assert.equal(isoState.hadOffset, true)
  assert.equal(iso('2024-01-02 03:04:05'), base)
  assert.equal(isoState.hadOffset, false)
  assert.equal(iso('2024-01-02T03:04:05.123Z'), base + 123)
  assert.equal(iso('2024-01-02T03:04:05.123999Z'), base + 123) // truncated to ms
  assert.equal(iso('2024-01-02T03:04Z'), base - 5000)
  assert.equal(iso('2024-01-02T05:04:05+02:00'), base)
  assert.equal(iso('2024-01-01T22:04:05-0500'), base)
  assert.equal(iso('2024-01-02T08:04:05+05'), base)
  assert.equal(iso('2024-01-02'), Date.UTC(2024, 0, 2))
  assert.equal(iso('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29))
})

test('ISO rejects impossible dates and junk instead of rolling them over', () => {
  for (const s of ['2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '2023-02-29', '2024-04-31', '2024-00-10', '2024-01-01T24:00:00Z', '2024-01-01T12:60:00Z', '2024-01-01T12:00:61Z', '2024-01-01X12:00', '2024-01-01T12:00:00Q', '2024/01/01', '2024-01-01T12:00:00.Z', '2024-1-01']) {
    assert.ok(Number.isNaN(iso(s)), s)
  }
})

test('epoch units, auto thresholds by digit count, and exact ns reduction', () => {
  const ms = 1_700_000_000_123
  assert.equal(epoch('1700000000', 's'), 1_700_000_000_000)
  assert.equal(epoch('1700000000.123', 's'), ms)
  assert.equal(epoch(String(ms), 'ms'), ms)
  assert.equal(epoch('1700000000123456', 'us'), ms)
  assert.equal(epoch('1700000000123456789', 'ns'), ms)
  assert.equal(epoch('1700000000', 'auto'), 1_700_000_000_000) // 10 digits → s
  assert.equal(epoch('99999999999', 'auto'), 99_999_999_999_000) // 11 digits → s
  assert.equal(epoch(String(ms), 'auto'), ms) // 13 → ms
  assert.equal(epoch('1700000000123456', 'auto'), ms) // 16 → us
  assert.equal(epoch('1700000000123456789', 'auto'), ms) // 19 → ns
  for (const s of ['', '17000000x0', '1.2.3', 'abc', '-', '1e9']) assert.ok(Number.isNaN(epoch(s, 'auto')), s)
})
