import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertTimeZone, localToUtcMs, tzOffsetMs, utcToLocalMs } from './timezone.ts'
import { FactoryError } from '../../contracts/errors.ts'

const CT = 'America/Chicago'

test('offsets follow US DST in Chicago', () => {
  assert.equal(tzOffsetMs(CT, Date.UTC(2024, 0, 15, 12)), -6 * 3_600_000)
  assert.equal(tzOffsetMs(CT, Date.UTC(2024, 6, 15, 12)), -5 * 3_600_000)
  assert.equal(utcToLocalMs('UTC', 123), 123)
})

test('local → UTC converts ordinary times and refuses non-existent and ambiguous ones', () => {
  assert.equal(localToUtcMs(CT, Date.UTC(2024, 0, 15, 9, 30)), Date.UTC(2024, 0, 15, 15, 30))
  // 2024-03-10 02:30 does not exist in Chicago (02:00 → 03:00)
  assert.throws(() => localToUtcMs(CT, Date.UTC(2024, 2, 10, 2, 30), { file: 'x.csv', line: 7 }), (e: unknown) => {
    assert.ok(e instanceof FactoryError)
    assert.equal(e.code, 'E_TZ_NONEXISTENT')
    assert.match(e.message, /x\.csv:7/)
    assert.match(e.message, /2024-03-10 02:30/)
    return true
  })
  // 2024-11-03 01:30 happens twice in Chicago
  assert.throws(() => localToUtcMs(CT, Date.UTC(2024, 10, 3, 1, 30)), (e: unknown) => e instanceof FactoryError && e.code === 'E_TZ_AMBIGUOUS')
  // just outside the ambiguous hour is fine
  assert.equal(localToUtcMs(CT, Date.UTC(2024, 10, 3, 2, 0)), Date.UTC(2024, 10, 3, 8, 0))
})

test('unknown zone names the value and examples', () => {
  assert.throws(() => assertTimeZone('Mars/Olympus'), /unknown time zone 'Mars\/Olympus'.*America\/Chicago/)
  assertTimeZone('Europe/London')
})
