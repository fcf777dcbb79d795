import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolveInstrument, INSTRUMENTS } from './instruments.ts'
import { FactoryError } from '../../contracts/errors.ts'

const u = (s: string) => Date.parse(s)

test('instrument table holds the required contracts with consistent point values', () => {
  for (const s of ['MES', 'ES', 'MNQ', 'NQ', 'MGC', 'GC', '6E', 'BTCUSDT']) assert.ok(INSTRUMENTS[s], s)
  assert.equal(INSTRUMENTS.ES.pointValue, 50)
  assert.equal(INSTRUMENTS.MES.pointValue, 5)
  assert.equal(INSTRUMENTS.GC.pointValue, 100)
  assert.equal(INSTRUMENTS['6E'].pointValue, 125000)
})

test('unknown instrument lists the known ones', () => {
  assert.throws(() => resolveInstrument('ZZ'), (e: unknown) => e instanceof FactoryError && e.code === 'E_INSTRUMENT' && /known: MES, ES/.test(e.message))
})

test('CME equity calendar: 2013 halts, modern break, weekend', () => {
  const cal = resolveInstrument('ES').sessionCalendar
  // 2013-10-07 (Mon), CDT = UTC-5: 15:15–15:30 CT halt = 20:15–20:30 UTC
  assert.equal(cal.isOpen(u('2013-10-07T20:14:00Z')), true)
  assert.equal(cal.isOpen(u('2013-10-07T20:15:00Z')), false)
  assert.equal(cal.isOpen(u('2013-10-07T20:30:00Z')), true)
  assert.equal(cal.isOpen(u('2013-10-07T21:15:00Z')), false)
  assert.equal(cal.isOpen(u('2013-10-07T22:00:00Z')), true)
  // Saturday closed; Sunday opens 17:00 CT
  assert.equal(cal.isOpen(u('2013-10-12T15:00:00Z')), false)
  assert.equal(cal.isOpen(u('2013-10-13T21:59:00Z')), false)
  assert.equal(cal.isOpen(u('2013-10-13T22:00:00Z')), true)
  // 2024 (after the 2021 change): 16:00–17:00 CT break only; CST in January = UTC-6
  assert.equal(cal.isOpen(u('2024-01-10T21:15:00Z')), true)
  assert.equal(cal.isOpen(u('2024-01-10T22:00:00Z')), false)
  assert.equal(cal.isOpen(u('2024-01-10T23:00:00Z')), true)
})

test('segments and buckets are anchored at the session open and cut at closures', () => {
  const cal = resolveInstrument('ES').sessionCalendar
  const seg = cal.segment(u('2013-10-07T23:30:00Z'))!
  assert.equal(new Date(seg.start).toISOString(), '2013-10-07T22:00:00.000Z')
  assert.equal(new Date(seg.end).toISOString(), '2013-10-08T20:15:00.000Z')
  // 4h buckets from 17:00 CT: the one containing 19:00 CT ends at 21:00 CT
  const b = cal.bucket(u('2013-10-08T00:00:00Z'), 4 * 3_600_000)
  assert.equal(new Date(b.start).toISOString(), '2013-10-07T22:00:00.000Z')
  assert.equal(new Date(b.end).toISOString(), '2013-10-08T02:00:00.000Z')
  // the last bucket before the 15:15 CT halt is cut short
  const last = cal.bucket(u('2013-10-08T20:00:00Z'), 4 * 3_600_000)
  assert.equal(new Date(last.end).toISOString(), '2013-10-08T20:15:00.000Z')
  assert.equal(cal.segment(u('2013-10-08T20:20:00Z')), null)
})

test('24x7 calendar splits segments at UTC midnight', () => {
  const cal = resolveInstrument('BTCUSDT').sessionCalendar
  const b = cal.bucket(u('2025-03-01T23:59:00Z'), 3_600_000)
  assert.equal(new Date(b.start).toISOString(), '2025-03-01T23:00:00.000Z')
  assert.equal(new Date(b.end).toISOString(), '2025-03-02T00:00:00.000Z')
  assert.equal(cal.missingBars(u('2025-03-01T10:00:00Z'), u('2025-03-01T10:05:00Z'), 60_000), 4)
})

test('missing bars count only in-session minutes', () => {
  const cal = resolveInstrument('6E').sessionCalendar
  // Friday 2024-01-05 21:59 UTC (15:59 CT) → Sunday 2024-01-07 23:00 UTC (17:00 CT): no session minutes lost
  assert.equal(cal.missingBars(u('2024-01-05T21:59:00Z'), u('2024-01-07T23:00:00Z'), 60_000), 0)
  // a 3-minute hole on a Tuesday
  assert.equal(cal.missingBars(u('2024-01-09T14:00:00Z'), u('2024-01-09T14:04:00Z'), 60_000), 3)
})

test('custom instrument from config, with errors naming the path', () => {
  const c = resolveInstrument('ZN', { symbol: 'ZN', tick_size: 1 / 64, tick_value: 15.625, calendar: 'cme_fx' })
  assert.equal(c.pointValue, 1000)
  assert.throws(() => resolveInstrument('ZN', { symbol: 'ZN', tick_size: -1, tick_value: 1, calendar: 'cme_fx' }), /data\.custom_instrument\.tick_size/)
  assert.throws(() => resolveInstrument('ZN', { symbol: 'ZN', tick_size: 1, tick_value: 1, calendar: 'nyse' }), /unknown calendar 'nyse'; known: cme_equity/)
})
