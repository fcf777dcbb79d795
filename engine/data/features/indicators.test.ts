import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bollingerPctB, rollingZScore } from './bands.ts'
import { dayOfWeek, timeOfDay } from './calendarFeatures.ts'
import { candleShape, rangeOverClose } from './candle.ts'
import { emaSpan } from './ema.ts'
import { macdNormalised } from './macd.ts'
import { logReturns, simpleReturns } from './returns.ts'
import { wilderRsi } from './rsi.ts'
import { normalisedAtr, realisedVol } from './volatility.ts'
import { logVolume, relativeVolume, signedVolumeRatio } from './volume.ts'

const f = (xs: number[]): Float64Array => Float64Array.from(xs)
const close = (a: number, b: number, msg = ''): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${msg} ${a} vs ${b}`)
const nans = (x: Float64Array, k: number, msg = ''): void => {
  for (let i = 0; i < k; i++) assert.ok(Number.isNaN(x[i]), `${msg}[${i}] should be NaN`)
  if (k < x.length) assert.ok(!Number.isNaN(x[k]), `${msg}[${k}] should be defined`)
}

test('simple and log returns at a lag', () => {
  const c = f([100, 110, 99, 120])
  const r2 = simpleReturns(c, 2)
  nans(r2, 2)
  close(r2[2], 99 / 100 - 1)
  close(r2[3], 120 / 110 - 1)
  const l1 = logReturns(c, 1)
  nans(l1, 1)
  close(l1[1], Math.log(1.1))
  close(l1[3], Math.log(120 / 99))
  assert.equal(simpleReturns(f([1, 2]), 5).every(Number.isNaN), true)
})

test('realised vol is the sample std of 1-bar log returns; natr is ATR / close', () => {
  const c = f([100, 101, 100, 102, 101])
  const rv = realisedVol(c, 3)
  nans(rv, 3)
  const r = [Math.log(1.01), Math.log(100 / 101), Math.log(1.02)]
  const m = (r[0] + r[1] + r[2]) / 3
  close(rv[3], Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / 2))
  const h = f([10, 11, 12]), l = f([9, 9.5, 10]), cl = f([9.5, 10.5, 11])
  const natr = normalisedAtr(h, l, cl, 2)
  nans(natr, 1)
  close(natr[1], 1.25 / 10.5) // TR 1, 1.5 → ATR 1.25
  close(natr[2], ((1.25 + 2) / 2) / 11)
})

test('Wilder RSI by hand (period 3)', () => {
  // changes +1, −2, +3, +1, −1
  const rsi = wilderRsi(f([10, 11, 9, 12, 13, 12]), 3)
  nans(rsi, 3)
  let g = 4 / 3, lo = 2 / 3
  close(rsi[3], 100 - 100 / (1 + g / lo))
  g = (g * 2 + 1) / 3; lo = (lo * 2) / 3
  close(rsi[4], 100 - 100 / (1 + g / lo))
  g = (g * 2) / 3; lo = (lo * 2 + 1) / 3
  close(rsi[5], 100 - 100 / (1 + g / lo))
  assert.equal(wilderRsi(f([1, 2, 3, 4]), 3)[3], 100) // no losses
  assert.equal(wilderRsi(f([5, 5, 5, 5]), 3)[3], 50) // flat
  assert.equal(wilderRsi(f([4, 3, 2, 1]), 3)[3], 0)
})

test('EMA (span 3, alpha 1/2) seeded at the first value; MACD by hand', () => {
  const x = f([2, 4, 8, 4])
  assert.deepEqual(Array.from(emaSpan(x, 3)), [2, 3, 5.5, 4.75])
  // fast span 1 (alpha 1) is the close itself; slow span 3; signal span 1 equals the MACD line
  const c = f([2, 4, 8, 4, 6])
  const m = macdNormalised(c, 1, 3, 1)
  const slow = [2, 3, 5.5, 4.75, 5.375]
  nans(m.macd, 2, 'macd')
  nans(m.signal, 2, 'signal')
  for (let t = 2; t < 5; t++) {
    close(m.macd[t], (c[t] - slow[t]) / c[t])
    close(m.signal[t], (c[t] - slow[t]) / c[t])
    close(m.hist[t], 0)
  }
  // signal span 3: warm-up slow + signal − 2 = 4 for signal/hist, slow − 1 = 2 for the line
  const m3 = macdNormalised(c, 1, 3, 3)
  nans(m3.macd, 2)
  nans(m3.signal, 4)
  nans(m3.hist, 4)
  const line = [0, 1, 2.5, -0.75, 0.625]
  const sig = emaSpan(f(line), 3)
  close(m3.signal[4], sig[4] / 6)
  close(m3.hist[4], (line[4] - sig[4]) / 6)
})

test('Bollinger %b and z-score by hand (window 3, sample std)', () => {
  const x = f([1, 2, 3, 5, 5, 5, 5])
  const b = bollingerPctB(x, 3, 2)
  nans(b, 2)
  close(b[2], (3 - 2 + 2 * 1) / (4 * 1)) // mean 2, sd 1
  const sd = Math.sqrt(((2 - 10 / 3) ** 2 + (3 - 10 / 3) ** 2 + (5 - 10 / 3) ** 2) / 2)
  close(b[3], (5 - 10 / 3 + 2 * sd) / (4 * sd))
  assert.equal(b[6], 0.5) // flat window
  const z = rollingZScore(x, 3)
  nans(z, 2)
  close(z[2], 1)
  close(z[3], (5 - 10 / 3) / sd)
  assert.equal(z[6], 0)
})

test('volume features by hand', () => {
  const v = f([0, 10, 20, 0, 0, 0])
  const lv = logVolume(v)
  assert.equal(lv[0], 0)
  close(lv[1], Math.log(11))
  const rel = relativeVolume(v, 2)
  nans(rel, 1)
  close(rel[1], 2)
  close(rel[2], 20 / 15)
  assert.equal(rel[3], 0)
  assert.equal(rel[5], 0) // no volume at all in the window
  const c = f([10, 11, 11, 10, 12])
  const vol = f([5, 1, 2, 3, 4])
  const sv = signedVolumeRatio(c, vol, 2)
  nans(sv, 2)
  close(sv[2], (1 + 0) / 3)
  close(sv[3], (0 - 3) / 5)
  close(sv[4], (-3 + 4) / 7)
  assert.equal(signedVolumeRatio(c, f([0, 0, 0, 0, 0]), 2)[4], 0)
})

test('range, body, wicks and close location by hand; zero range gives 0', () => {
  const o = f([10, 12, 5]), h = f([14, 13, 5]), l = f([9, 8, 5]), c = f([12, 9, 5])
  const r = rangeOverClose(h, l, c)
  close(r[0], 5 / 12)
  assert.equal(r[2], 0)
  const s = candleShape(o, h, l, c)
  close(s.body[0], 2 / 5)
  close(s.upperWick[0], 2 / 5)
  close(s.lowerWick[0], 1 / 5)
  close(s.clv[0], (3 - 2) / 5)
  close(s.body[1], 3 / 5)
  close(s.upperWick[1], 1 / 5)
  close(s.lowerWick[1], 1 / 5)
  close(s.clv[1], (1 - 4) / 5)
  for (const col of [s.body, s.upperWick, s.lowerWick, s.clv]) assert.equal(col[2], 0)
})

test('time of day and day of week use the exchange wall clock, across DST', () => {
  const ts = f([
    Date.UTC(2024, 0, 1, 0, 0), // Mon 00:00 UTC = Sun 18:00 in Chicago (CST)
    Date.UTC(2024, 6, 1, 0, 0), // Mon 00:00 UTC = Sun 19:00 in Chicago (CDT)
    Date.UTC(2024, 0, 3, 6, 30, 30), // Wed 06:30:30 UTC
  ])
  const u = timeOfDay(ts, 'UTC')
  close(u.sin[0], 0)
  close(u.cos[0], 1)
  const a = (2 * Math.PI * (6 * 3600 + 30 * 60 + 30)) / 86400
  close(u.sin[2], Math.sin(a))
  close(u.cos[2], Math.cos(a))
  const ct = timeOfDay(ts, 'America/Chicago')
  close(ct.sin[0], Math.sin((2 * Math.PI * 18) / 24))
  close(ct.sin[1], Math.sin((2 * Math.PI * 19) / 24))
  const dU = dayOfWeek(ts, 'UTC')
  close(dU.sin[0], 0) // Monday = 0
  close(dU.cos[0], 1)
  close(dU.sin[2], Math.sin((2 * Math.PI * 2) / 7)) // Wednesday = 2
  const dC = dayOfWeek(ts, 'America/Chicago')
  close(dC.sin[0], Math.sin((2 * Math.PI * 6) / 7)) // Sunday = 6
  close(dC.cos[1], Math.cos((2 * Math.PI * 6) / 7))
})
