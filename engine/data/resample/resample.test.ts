import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { FactoryError } from '../../contracts/errors.ts'
import { allocBars, type Bars } from '../bars.ts'
import { resolveInstrument } from '../calendar/instruments.ts'
import type { SessionCalendar } from '../calendar/sessionCalendar.ts'
import { createRng } from '../rng.ts'
import { resampleBars, resampleBarsDetailed, validTargetSizes, type ResampledBars } from './resample.ts'
import { syntheticMinuteBars } from './syntheticMinuteBars.ts'

const u = (s: string) => Date.parse(s)
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16)
const M = 60_000
const H = 3_600_000
const btc = () => resolveInstrument('BTCUSDT').sessionCalendar
const es = () => resolveInstrument('ES').sessionCalendar

function barsFrom(rows: [string, number, number, number, number, number][]): Bars {
  const b = allocBars(rows.length)
  rows.forEach(([t, o, h, l, c, v], i) => {
    b.ts[i] = u(t); b.open[i] = o; b.high[i] = h; b.low[i] = l; b.close[i] = c; b.volume[i] = v
  })
  return b
}

/** Per-bar reference: ask the calendar for every bar's bucket and group; no single-pass cleverness. */
function naiveResample(bars: Bars, toMs: number, cal: SessionCalendar) {
  const groups = new Map<number, { end: number; idx: number[] }>()
  for (let i = 0; i < bars.length; i++) {
    const b = cal.bucket(bars.ts[i], toMs)
    const g = groups.get(b.start) ?? { end: b.end, idx: [] }
    g.idx.push(i)
    groups.set(b.start, g)
  }
  return [...groups.entries()].map(([start, g]) => ({
    ts: start,
    end: g.end,
    open: bars.open[g.idx[0]],
    high: Math.max(...g.idx.map((i) => bars.high[i])),
    low: Math.min(...g.idx.map((i) => bars.low[i])),
    close: bars.close[g.idx[g.idx.length - 1]],
    volume: g.idx.reduce((s, i) => s + bars.volume[i], 0),
    last: g.idx[g.idx.length - 1],
    count: g.idx.length,
  }))
}

function rows(r: ResampledBars) {
  return Array.from({ length: r.length }, (_, k) => ({
    ts: r.ts[k], end: r.bucketEnd[k], open: r.open[k], high: r.high[k], low: r.low[k], close: r.close[k], volume: r.volume[k], last: r.lastSourceIndex[k], count: r.sourceCount[k],
  }))
}

test('hand case: OHLCV aggregation, bucket end, last source index and count', () => {
  const bars = barsFrom([
    ['2025-03-01T10:00Z', 10, 11, 9, 10.5, 1],
    ['2025-03-01T10:01Z', 10.5, 12, 10, 11, 2],
    ['2025-03-01T10:02Z', 11, 11.5, 8, 9, 3],
    ['2025-03-01T10:03Z', 9, 9.5, 8.5, 9.25, 4],
    ['2025-03-01T10:04Z', 9.25, 10, 9, 9.75, 5],
    ['2025-03-01T10:05Z', 9.75, 13, 9.5, 12, 6],
    ['2025-03-01T10:06Z', 12, 12.5, 11, 11.5, 7],
  ])
  const r = resampleBars(bars, M, 5 * M, btc())
  assert.equal(r.barMs, 5 * M)
  assert.deepEqual(rows(r), [
    { ts: u('2025-03-01T10:00Z'), end: u('2025-03-01T10:05Z'), open: 10, high: 12, low: 8, close: 9.75, volume: 15, last: 4, count: 5 },
    { ts: u('2025-03-01T10:05Z'), end: u('2025-03-01T10:10Z'), open: 9.75, high: 13, low: 9.5, close: 11.5, volume: 13, last: 6, count: 2 },
  ])
})

test('gaps inside and across buckets: holes shrink the count, empty buckets produce no bar', () => {
  const bars = barsFrom([
    ['2025-03-01T10:01Z', 10, 11, 9, 10.5, 1], // bucket opens late: open is the first bar present
    ['2025-03-01T10:03Z', 10.5, 12, 10, 11, 2],
    // 10:05–10:14 missing entirely: no 10:05 or 10:10 bar, no forward fill
    ['2025-03-01T10:19Z', 11, 11, 7, 8, 3],
  ])
  const r = resampleBars(bars, M, 5 * M, btc())
  assert.deepEqual(rows(r), [
    { ts: u('2025-03-01T10:00Z'), end: u('2025-03-01T10:05Z'), open: 10, high: 12, low: 9, close: 11, volume: 3, last: 1, count: 2 },
    { ts: u('2025-03-01T10:15Z'), end: u('2025-03-01T10:20Z'), open: 11, high: 11, low: 7, close: 8, volume: 3, last: 2, count: 1 },
  ])
})

test('24x7: hourly and daily buckets on UTC anchors, matching a per-bar reference', () => {
  const cal = btc()
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T21:37Z'), count: 3000, rng: createRng(7), calendar: cal, gapProb: 0.05 })
  for (const to of [5 * M, 15 * M, 30 * M, H, 4 * H, 24 * H]) {
    const r = resampleBars(bars, M, to, cal)
    assert.deepEqual(rows(r), naiveResample(bars, to, cal), `to=${to}`)
    for (let k = 0; k < r.length; k++) assert.equal(r.ts[k] % to, 0, 'UTC-anchored')
  }
  const d = resampleBars(bars, M, 24 * H, cal)
  assert.deepEqual(Array.from(d.ts, iso), ['2025-03-01T00:00', '2025-03-02T00:00', '2025-03-03T00:00', '2025-03-04T00:00'])
})

test('pandas cross-check (24x7, label/closed left): exact equality', () => {
  const fx = JSON.parse(readFileSync(new URL('./fixtures/resample_reference.json', import.meta.url), 'utf8'))
  const inp = fx.input
  const bars: Bars = {
    length: inp.ts.length,
    ts: Float64Array.from(inp.ts), open: Float64Array.from(inp.open), high: Float64Array.from(inp.high),
    low: Float64Array.from(inp.low), close: Float64Array.from(inp.close), volume: Float64Array.from(inp.volume),
  }
  const sizes: Record<string, number> = { '5m': 5 * M, '15m': 15 * M, '1h': H, '4h': 4 * H, '1d': 24 * H }
  assert.deepEqual(Object.keys(fx.expected).sort(), Object.keys(sizes).sort())
  for (const [name, e] of Object.entries<Record<string, number[]>>(fx.expected)) {
    const r = resampleBars(bars, M, sizes[name], btc())
    assert.equal(r.length, e.ts.length, name)
    for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume', 'lastSourceIndex', 'sourceCount'] as const) {
      assert.deepEqual(Array.from(r[c]), e[c], `${name}.${c}`)
    }
  }
})

test('CME 2013: buckets anchored at the 17:00 CT open and cut at the 15:15 and 16:15 CT halts', () => {
  const cal = es()
  // Thu 2013-10-10 20:00 UTC → Tue 2013-10-15: includes a Friday close, a weekend and the Sunday open
  const bars = syntheticMinuteBars({ startMs: u('2013-10-10T20:00Z'), count: 4 * 1380, rng: createRng(3), calendar: cal })
  const h4 = resampleBars(bars, M, 4 * H, cal)
  assert.deepEqual(rows(h4), naiveResample(bars, 4 * H, cal))
  const mon = (k: number) => iso(h4.ts[k]) + '→' + iso(h4.bucketEnd[k])
  const idx = (s: string) => Array.from(h4.ts).indexOf(u(s))
  const k = idx('2013-10-13T22:00Z') // Sunday 17:00 CDT open
  assert.ok(k > 0, 'a bar starts at the Sunday open')
  assert.equal(h4.bucketEnd[k - 1], u('2013-10-11T21:15Z'), 'Friday ends at the 16:15 CT close')
  assert.deepEqual([k, k + 1, k + 2, k + 3, k + 4, k + 5, k + 6, k + 7].map(mon), [
    '2013-10-13T22:00→2013-10-14T02:00',
    '2013-10-14T02:00→2013-10-14T06:00',
    '2013-10-14T06:00→2013-10-14T10:00',
    '2013-10-14T10:00→2013-10-14T14:00',
    '2013-10-14T14:00→2013-10-14T18:00',
    '2013-10-14T18:00→2013-10-14T20:15', // cut at the 15:15 CT halt
    '2013-10-14T20:30→2013-10-14T21:15', // the 15:30–16:15 CT stub between the halts
    '2013-10-14T22:00→2013-10-15T02:00', // next session, re-anchored at 17:00 CT
  ])
  // no bar spans a closure, and with no holes every in-session minute is counted
  for (let j = 0; j < h4.length; j++) {
    for (let t = h4.ts[j]; t < h4.bucketEnd[j]; t += M) assert.ok(cal.isOpen(t), `bar ${mon(j)} spans closed minute ${iso(t)}`)
    if (j > 0 && j < h4.length - 1) assert.equal(h4.sourceCount[j], (h4.bucketEnd[j] - h4.ts[j]) / M)
  }
  const h1 = resampleBars(bars, M, H, cal)
  assert.deepEqual(rows(h1), naiveResample(bars, H, cal))
  assert.ok(Array.from(h1.ts, iso).includes('2013-10-14T20:00'))
  assert.equal(h1.bucketEnd[Array.from(h1.ts, iso).indexOf('2013-10-14T20:00')], u('2013-10-14T20:15Z'))
})

test('DST week (CME, 2013-11-03 fall-back): the session anchor moves from 22:00 to 23:00 UTC', () => {
  const cal = es()
  const bars = syntheticMinuteBars({ startMs: u('2013-10-31T12:00Z'), count: 6 * 1380, rng: createRng(5), calendar: cal, gapProb: 0.02 })
  const h4 = resampleBars(bars, M, 4 * H, cal)
  assert.deepEqual(rows(h4), naiveResample(bars, 4 * H, cal))
  const starts = Array.from(h4.ts, iso)
  // Thursday 2013-10-31 (CDT): 4h grid from 22:00 UTC; the 15:15 CT halt is 20:15 UTC
  assert.ok(starts.includes('2013-10-31T14:00') && starts.includes('2013-10-31T18:00'))
  assert.equal(h4.bucketEnd[starts.indexOf('2013-10-31T18:00')], u('2013-10-31T20:15Z'))
  // Sunday 2013-11-03 (CST from 02:00 local): open at 17:00 CST = 23:00 UTC, grid 23, 03, 07, …
  assert.ok(!starts.includes('2013-11-03T22:00'))
  for (const s of ['2013-11-03T23:00', '2013-11-04T03:00', '2013-11-04T07:00', '2013-11-04T11:00', '2013-11-04T15:00', '2013-11-04T19:00']) assert.ok(starts.includes(s), s)
  assert.equal(h4.bucketEnd[starts.indexOf('2013-11-04T19:00')], u('2013-11-04T21:15Z'), 'halt at 15:15 CST = 21:15 UTC')
  const d1 = resampleBars(bars, M, 24 * H, cal)
  assert.deepEqual(rows(d1), naiveResample(bars, 24 * H, cal))
  assert.ok(Array.from(d1.ts, iso).includes('2013-11-03T23:00'), 'daily bar re-anchored at the CST open')
})

test('resampling in two stages equals one stage (1m → 5m → 1h ≡ 1m → 1h)', () => {
  for (const [cal, start] of [[btc(), '2025-03-01T21:37Z'], [es(), '2013-10-10T20:00Z']] as const) {
    const bars = syntheticMinuteBars({ startMs: u(start), count: 5000, rng: createRng(11), calendar: cal, gapProb: 0.03 })
    const direct = resampleBars(bars, M, H, cal)
    const m5 = resampleBars(bars, M, 5 * M, cal)
    const staged = resampleBars(m5, 5 * M, H, cal)
    for (const c of ['ts', 'bucketEnd', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(staged[c], direct[c], c)
    // the staged last index points into the 5m series; mapping it back gives the direct one
    assert.deepEqual(Array.from(staged.lastSourceIndex, (k) => m5.lastSourceIndex[k]), Array.from(direct.lastSourceIndex))
  }
})

test('bar size errors name both sizes and the valid choices', () => {
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T00:00Z'), count: 10, rng: createRng(1) })
  const isBarSize = (re: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === 'E_BAR_SIZE' && re.test(e.message)
  assert.throws(() => resampleBars(bars, 5 * M, 12 * M, btc()), isBarSize(/5m bars to 12m.*valid: 5m, 15m, 30m, 1h, 4h, 1d/))
  assert.throws(() => resampleBars(bars, H, 30 * M, btc()), isBarSize(/1h bars to 30m.*valid: 1h, 4h, 1d/))
  assert.throws(() => resampleBars(bars, M, 90_500, btc()), isBarSize(/1m bars to 90500 ms/))
  assert.throws(() => resampleBars(bars, 30_000, 5 * M, btc()), isBarSize(/source bar size 30000 ms/))
  assert.deepEqual(validTargetSizes(15 * M), ['15m', '30m', '1h', '4h', '1d'])
})

test('unsorted, duplicate and off-grid bars are refused with the bar named', () => {
  const isVal = (re: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === 'E_VALIDATION' && re.test(e.message)
  const dup = barsFrom([['2025-03-01T10:00Z', 1, 1, 1, 1, 1], ['2025-03-01T10:00Z', 1, 1, 1, 1, 1]])
  assert.throws(() => resampleBars(dup, M, 5 * M, btc()), isVal(/bar 1 at 2025-03-01T10:00:00.000Z is not after/))
  const off = barsFrom([['2025-03-01T10:00Z', 1, 1, 1, 1, 1], ['2025-03-01T10:01:30Z', 1, 1, 1, 1, 1]])
  assert.throws(() => resampleBars(off, M, 5 * M, btc()), isVal(/bar 1 at 2025-03-01T10:01:30.000Z is not on the 1m grid/))
})

test('a bar in a closed period: raise by default (naming bar and policy), or drop when asked', () => {
  const cal = es()
  const bars = syntheticMinuteBars({ startMs: u('2013-10-14T19:00Z'), count: 120, rng: createRng(2), calendar: cal })
  // a print during the 15:15–15:30 CT halt (20:20 UTC), spliced in at its place in time
  const at = bars.ts.findIndex((t) => t > u('2013-10-14T20:20Z'))
  const withHalt = allocBars(bars.length + 1)
  for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    withHalt[c].set(bars[c].subarray(0, at), 0)
    withHalt[c][at] = c === 'ts' ? u('2013-10-14T20:20Z') : 1
    withHalt[c].set(bars[c].subarray(at), at + 1)
  }
  assert.throws(() => resampleBars(withHalt, M, 15 * M, cal), (e: unknown) => e instanceof FactoryError && e.code === 'E_VALIDATION' && /2013-10-14T20:20:00.000Z falls outside the trading sessions of calendar 'cme_equity'.*off_session: drop/.test(e.message))
  const { bars: r, droppedOffSession } = resampleBarsDetailed(withHalt, M, 15 * M, cal, { offSession: 'drop' })
  assert.equal(droppedOffSession, 1)
  const clean = resampleBars(bars, M, 15 * M, cal)
  for (const c of ['ts', 'bucketEnd', 'open', 'high', 'low', 'close', 'volume', 'sourceCount'] as const) assert.deepEqual(r[c], clean[c], c)
  assert.throws(() => resampleBarsDetailed(bars, M, 15 * M, cal, { offSession: 'keep' as never }), /unknown off-session policy 'keep' at data\.resample\.off_session; known: raise, drop/)
})

test('empty input gives an empty series; 1m → 1m keeps every bar with its own end', () => {
  const empty = resampleBars(allocBars(0), M, H, btc())
  assert.equal(empty.length, 0)
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T00:00Z'), count: 30, rng: createRng(4), gapProb: 0.2 })
  const same = resampleBars(bars, M, M, btc())
  assert.deepEqual(same.ts, bars.ts)
  assert.deepEqual(same.close, bars.close)
  assert.deepEqual(Array.from(same.bucketEnd), Array.from(bars.ts, (t) => t + M))
})
