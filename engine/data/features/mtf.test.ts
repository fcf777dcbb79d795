import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { allocBars, filterBars, sliceBars, type Bars } from '../bars.ts'
import { resolveInstrument } from '../calendar/instruments.ts'
import { createRng } from '../rng.ts'
import { resampleBars } from '../resample/resample.ts'
import { syntheticMinuteBars } from '../resample/syntheticMinuteBars.ts'
import { wilderAtr } from './atr.ts'
import { computeFeatures, listFeatures, resolveFeatures } from './index.ts'
import { mtfColumnNames, mtfFeatures, type MtfSpec } from './mtf.ts'

const u = (s: string) => Date.parse(s)
const M = 60_000
const btc = () => resolveInstrument('BTCUSDT').sessionCalendar
const es = () => resolveInstrument('ES').sessionCalendar
const ALL: MtfSpec['features'] = [{ name: 'logret', lags: 3 }, { name: 'rv', window: 5 }, { name: 'rsi', period: 5 }, { name: 'natr', period: 5 }, 'range_pos']
const at = (b: Bars, s: string) => {
  const i = b.ts.indexOf(u(s))
  assert.ok(i >= 0, `no bar at ${s}`)
  return i
}
const without = (b: Bars, times: string[]) => filterBars(b, Uint8Array.from(b.ts, (t) => (times.some((s) => u(s) === t) ? 0 : 1)))

/** Every price after row t moved and every volume changed: anything that leaks will differ. */
function perturbAfter(b: Bars, t: number, seed: number): Bars {
  const rng = createRng(seed)
  const out = sliceBars(b, 0, b.length)
  for (let i = t + 1; i < b.length; i++) {
    const f = 1 + 0.05 * rng.normal()
    const spread = 0.01 * rng.next() * out.open[i]
    out.open[i] *= f
    out.close[i] *= 1 + 0.05 * rng.normal()
    out.high[i] = Math.max(out.open[i], out.close[i]) + spread
    out.low[i] = Math.min(out.open[i], out.close[i]) - spread
    out.volume[i] = 1 + rng.int(5000)
  }
  return out
}

test('not before close (24x7, 5m): the 10:00–10:05 bar appears at the 10:04 bar, not at 10:03', () => {
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T09:40Z'), count: 40, rng: createRng(1) })
  const r = mtfFeatures(bars, btc(), { tf: '5m', features: [{ name: 'logret', lags: 2 }, 'range_pos'] })
  const lag1 = r.columns[0]
  const lag2 = r.columns[1]
  const t3 = at(bars, '2025-03-01T10:03Z')
  const t4 = at(bars, '2025-03-01T10:04Z')
  const c = (s: string) => bars.close[at(bars, s)]
  assert.equal(r.htf.ts[r.htfIndex[t4]], u('2025-03-01T10:00Z'))
  assert.equal(r.htf.ts[r.htfIndex[t3]], u('2025-03-01T09:55Z'))
  assert.equal(lag1[t4], Math.log(c('2025-03-01T10:04Z') / c('2025-03-01T09:59Z')), 'new HTF bar shows at the bar closing at its end')
  assert.equal(lag1[t3], Math.log(c('2025-03-01T09:59Z') / c('2025-03-01T09:54Z')), 'one minute earlier it does not')
  assert.equal(lag2[t4], lag1[t3], 'lags shift by one HTF bar')
  const pos = r.columns[2]
  const hi = Math.max(...[0, 1, 2, 3, 4].map((k) => bars.high[t4 - 4 + k]))
  const lo = Math.min(...[0, 1, 2, 3, 4].map((k) => bars.low[t4 - 4 + k]))
  assert.equal(pos[t4 + 1], (bars.close[t4 + 1] - lo) / (hi - lo), 'range position against the last closed bar')
  // across the whole series (no holes) the HTF index moves exactly at the bars closing a bucket
  for (let t = 1; t < bars.length; t++) {
    const closesBucket = (bars.ts[t] + M) % (5 * M) === 0
    assert.equal(r.htfIndex[t] !== r.htfIndex[t - 1], closesBucket, new Date(bars.ts[t]).toISOString())
  }
  assert.equal(r.htfIndex[0], -1)
  assert.ok(Number.isNaN(lag1[0]) && Number.isNaN(pos[0]), 'nothing before the first HTF close')
})

test('not before close with the closing bar missing: the bucket appears at the next existing bar', () => {
  const full = syntheticMinuteBars({ startMs: u('2025-03-01T09:50Z'), count: 30, rng: createRng(2) })
  const bars = without(full, ['2025-03-01T10:04Z'])
  const r = mtfFeatures(bars, btc(), { tf: '5m', features: [{ name: 'logret', lags: 1 }] })
  const t3 = at(bars, '2025-03-01T10:03Z')
  const t5 = at(bars, '2025-03-01T10:05Z')
  assert.equal(t5, t3 + 1)
  assert.equal(r.htf.ts[r.htfIndex[t3]], u('2025-03-01T09:55Z'), 'the 10:03 bar closes at 10:04: bucket not complete')
  assert.equal(r.htf.ts[r.htfIndex[t5]], u('2025-03-01T10:00Z'))
  assert.equal(r.columns[0][t5], Math.log(bars.close[t3] / bars.close[at(bars, '2025-03-01T09:59Z')]))
})

test('not before close at a CME halt: the 20:00–20:15 UTC stub shows at the 20:14 bar, or after the halt', () => {
  const cal = es()
  const bars = syntheticMinuteBars({ startMs: u('2013-10-14T18:00Z'), count: 200, rng: createRng(3), calendar: cal })
  const r = mtfFeatures(bars, cal, { tf: '1h', features: ['range_pos'] })
  const stub = r.htf.ts.indexOf(u('2013-10-14T20:00Z'))
  assert.equal(r.htf.bucketEnd[stub], u('2013-10-14T20:15Z'))
  assert.equal(r.htfIndex[at(bars, '2013-10-14T20:14Z')], stub)
  assert.equal(r.htfIndex[at(bars, '2013-10-14T20:13Z')], stub - 1)
  const gap = without(bars, ['2013-10-14T20:14Z'])
  const g = mtfFeatures(gap, cal, { tf: '1h', features: ['range_pos'] })
  assert.equal(g.htfIndex[at(gap, '2013-10-14T20:13Z')], stub - 1)
  assert.equal(g.htfIndex[at(gap, '2013-10-14T20:30Z')], stub, 'first bar after the halt')
})

test('prefix invariance: perturbing every bar after t (rest of its HTF bucket included) leaves rows ≤ t bit-identical', () => {
  const cases = [
    { cal: es(), bars: syntheticMinuteBars({ startMs: u('2013-10-10T15:00Z'), count: 4000, rng: createRng(4), calendar: es(), gapProb: 0.03 }) },
    { cal: btc(), bars: syntheticMinuteBars({ startMs: u('2025-03-01T21:37Z'), count: 4000, rng: createRng(5), gapProb: 0.03 }) },
  ]
  const rng = createRng(6)
  for (const { cal, bars } of cases) {
    for (const tf of ['5m', '15m', '1h', '4h']) {
      const spec: MtfSpec = { tf, features: ALL }
      const full = mtfFeatures(bars, cal, spec)
      const points = [10, 1234, 2999, ...Array.from({ length: 5 }, () => 300 + rng.int(3500))]
      for (const t of points) {
        const pert = mtfFeatures(perturbAfter(bars, t, t), cal, spec)
        const trunc = mtfFeatures(sliceBars(bars, 0, t + 1), cal, spec)
        let changedAfter = false
        full.columns.forEach((col, k) => {
          assert.deepEqual(pert.columns[k].subarray(0, t + 1), col.subarray(0, t + 1), `${cal.spec.name} ${full.names[k]} t=${t} (perturbed)`)
          assert.deepEqual(trunc.columns[k], col.subarray(0, t + 1), `${cal.spec.name} ${full.names[k]} t=${t} (truncated)`)
          for (let i = t + 1; i < bars.length && !changedAfter; i++) if (!Object.is(pert.columns[k][i], col[i])) changedAfter = true
        })
        if (t < 3500) assert.ok(changedAfter, `the perturbation reaches the features after t=${t} (${tf})`)
      }
    }
  }
})

test('as-of index matches the rule checked by brute force on every bar', () => {
  const cal = es()
  const bars = syntheticMinuteBars({ startMs: u('2013-10-11T18:00Z'), count: 3000, rng: createRng(7), calendar: cal, gapProb: 0.1 })
  for (const tf of ['15m', '4h', '1d']) {
    const r = mtfFeatures(bars, cal, { tf, features: ['range_pos'] })
    for (let t = 0; t < bars.length; t++) {
      let want = -1
      for (let j = 0; j < r.htf.length; j++) if (r.htf.bucketEnd[j] <= bars.ts[t] + M) want = j
      assert.equal(r.htfIndex[t], want, `${tf} t=${t}`)
      if (want >= 0) assert.ok(r.htf.lastSourceIndex[want] <= t)
    }
  }
})

test('indicator values on the HTF series: hand RSI, realised vol, NATR against atr.ts', () => {
  // 5m closes 10, 11, 10.5, 12, 12, 11: changes +1, −0.5, +1.5, 0, −1
  const closes = [10, 11, 10.5, 12, 12, 11]
  const bars = allocBars(closes.length * 5 + 1)
  for (let i = 0; i < bars.length; i++) {
    const c = closes[Math.min(Math.floor(i / 5), closes.length - 1)]
    bars.ts[i] = u('2025-03-01T10:00Z') + i * M
    bars.open[i] = bars.close[i] = c
    bars.high[i] = c + 0.25 + (i % 5) * 0.01
    bars.low[i] = c - 0.25
    bars.volume[i] = 1
  }
  const r = mtfFeatures(bars, btc(), { tf: '5m', features: [{ name: 'rsi', period: 2 }, { name: 'rv', window: 2 }, { name: 'natr', period: 2 }] })
  assert.deepEqual(r.names, ['mtf_5m_rsi_2', 'mtf_5m_rv_2', 'mtf_5m_natr_2'])
  const atClose = (j: number) => 5 * j + 4 // the base bar whose close ends HTF bar j
  const [rsi, rv, natr] = r.columns
  assert.ok(Number.isNaN(rsi[atClose(1)]))
  assert.equal(rsi[atClose(2)], 100 - 100 / (1 + 0.5 / 0.25))
  assert.equal(rsi[atClose(3)], 100 - 100 / (1 + 1 / 0.125))
  assert.equal(rsi[atClose(4)], 100 - 100 / (1 + 0.5 / 0.0625))
  assert.equal(rsi[atClose(4) - 1], rsi[atClose(3)], 'held until the next HTF close')
  const r1 = Math.log(11 / 10)
  const r2 = Math.log(10.5 / 11)
  assert.ok(Math.abs(rv[atClose(2)] - Math.abs(r1 - r2) / Math.SQRT2) < 1e-15)
  const htf = resampleBars(bars, M, 5 * M, btc())
  const atr = wilderAtr(htf.high, htf.low, htf.close, 2)
  for (let j = 1; j < 6; j++) assert.equal(natr[atClose(j)], atr[j] / htf.close[j])
})

test('column names are known from the spec alone and match the computed columns', () => {
  const spec: MtfSpec = { tf: '1h', features: ALL }
  const names = mtfColumnNames(spec)
  assert.deepEqual(names, ['mtf_1h_logret_lag1', 'mtf_1h_logret_lag2', 'mtf_1h_logret_lag3', 'mtf_1h_rv_5', 'mtf_1h_rsi_5', 'mtf_1h_natr_5', 'mtf_1h_range_pos'])
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T00:00Z'), count: 600, rng: createRng(8) })
  const r = mtfFeatures(bars, btc(), spec)
  assert.deepEqual(r.names, names)
  for (const c of r.columns) assert.equal(c.length, bars.length)
  assert.deepEqual(mtfColumnNames({ tf: '15m', features: ['logret', 'rv', 'rsi', 'natr'] }), ['mtf_15m_logret_lag1', 'mtf_15m_logret_lag2', 'mtf_15m_logret_lag3', 'mtf_15m_rv_20', 'mtf_15m_rsi_14', 'mtf_15m_natr_14'])
})

test('spec errors name the path, the bad value and the valid choices', () => {
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T00:00Z'), count: 60, rng: createRng(9) })
  const fails = (spec: unknown, code: string, re: RegExp) =>
    assert.throws(() => mtfFeatures(bars, btc(), spec as MtfSpec), (e: unknown) => e instanceof FactoryError && e.code === code && re.test(e.message))
  fails({ tf: '1h', features: ['rsi', 'macd'] }, 'E_FEATURE', /features\.mtf\.features\[1\]: unknown multi-timeframe feature 'macd'; known: logret, rv, rsi, natr, range_pos/)
  fails({ tf: '1h', features: [{ name: 'logret', lags: 0 }] }, 'E_PARAM', /features\.mtf\.features\[0\]\.lags: 0 is not valid; expected an integer in \[1, 100\]/)
  fails({ tf: '1h', features: [{ name: 'rsi', window: 3 }] }, 'E_PARAM', /features\[0\]\.window: .*'rsi' has no parameter 'window'; parameters: period/)
  fails({ tf: '1h', features: [] }, 'E_PARAM', /give at least one/)
  fails({ tf: 'hourly', features: ['rsi'] }, 'E_BAR_SIZE', /invalid bar size 'hourly' at features\.mtf\.tf/)
  fails({ tf: '45m', features: ['rsi'], baseBarMs: 3_600_000 }, 'E_BAR_SIZE', /cannot resample 1h bars to 45m at features\.mtf\.tf.*valid: 1h, 4h, 1d/)
})

test('registry: mtf_* features compute through computeFeatures with the calendar in the context', () => {
  const cal = es()
  const bars = syntheticMinuteBars({ startMs: u('2013-10-10T15:00Z'), count: 3000, rng: createRng(10), calendar: cal, gapProb: 0.02 })
  const config = [
    { name: 'mtf_logret', tf: '15m', lags: 2 },
    { name: 'mtf_rv', tf: '1h', window: 5 },
    { name: 'mtf_rsi', tf: '1h', period: 5 },
    { name: 'mtf_natr', tf: '4h', period: 3 },
    { name: 'mtf_range_pos', tf: '1h' },
    'logret',
  ]
  const out = computeFeatures(bars, config, { timeZone: 'America/Chicago', context: { calendar: cal, barMs: M } })
  const direct = [
    mtfFeatures(bars, cal, { tf: '15m', features: [{ name: 'logret', lags: 2 }] }),
    mtfFeatures(bars, cal, { tf: '1h', features: [{ name: 'rv', window: 5 }, { name: 'rsi', period: 5 }] }),
    mtfFeatures(bars, cal, { tf: '4h', features: [{ name: 'natr', period: 3 }] }),
    mtfFeatures(bars, cal, { tf: '1h', features: ['range_pos'] }),
  ]
  const names = direct.flatMap((d) => d.names)
  const cols = direct.flatMap((d) => d.columns)
  assert.deepEqual(out.names.slice(0, names.length), names)
  cols.forEach((c, k) => assert.deepEqual(out.columns[k], c, names[k]))
  const listed = listFeatures().map((f) => f.name)
  for (const n of ['mtf_logret', 'mtf_rv', 'mtf_rsi', 'mtf_natr', 'mtf_range_pos']) assert.ok(listed.includes(n), n)
  assert.throws(() => computeFeatures(bars, ['mtf_rsi'], {}), (e: unknown) => e instanceof FactoryError && e.code === 'E_CONFIG' && /'mtf_rsi' needs the instrument's session calendar/.test(e.message))
  assert.throws(() => resolveFeatures([{ name: 'mtf_rsi', tf: '2x' }]), (e: unknown) => e instanceof FactoryError && e.code === 'E_BAR_SIZE' && /'2x' at features\[0\]\.tf/.test(e.message))
})

test('registry warm-up is exact on clean 1m bars starting at a bucket start (24x7)', () => {
  const bars = syntheticMinuteBars({ startMs: u('2025-03-01T00:00Z'), count: 2000, rng: createRng(12) })
  const config = [{ name: 'mtf_logret', tf: '15m', lags: 2 }, { name: 'mtf_rv', tf: '15m', window: 4 }, { name: 'mtf_rsi', tf: '5m', period: 6 }, { name: 'mtf_natr', tf: '1h', period: 3 }, { name: 'mtf_range_pos', tf: '30m' }]
  const out = computeFeatures(bars, config, { context: { calendar: btc(), barMs: M } })
  const ws = resolveFeatures(config).map((f) => f.warmup)
  assert.deepEqual(ws, [3 * 15 - 1, 5 * 15 - 1, 7 * 5 - 1, 3 * 60 - 1, 30 - 1])
  let k = 0
  resolveFeatures(config).forEach((f, i) => {
    const cols = f.columns.map(() => out.columns[k++])
    assert.ok(cols.some((c) => Number.isNaN(c[ws[i] - 1])), `${f.name}: a column is still NaN one row before the warm-up`)
    assert.ok(cols.every((c) => Number.isFinite(c[ws[i]])), `${f.name}: every column defined at the warm-up row`)
  })
})
