import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { synthBars, SYNTH_KINDS } from './index.ts'
import type { SynthOptions } from './index.ts'

const COLS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const

function assertWellFormed(b: Bars, label: string): void {
  for (let t = 0; t < b.length; t++) {
    const o = b.open[t], h = b.high[t], l = b.low[t], c = b.close[t]
    assert.ok(l > 0 && Number.isFinite(h), `${label}: non-positive price at ${t}`)
    assert.ok(l <= Math.min(o, c) && h >= Math.max(o, c), `${label}: OHLC inconsistent at ${t}: ${o} ${h} ${l} ${c}`)
    if (t > 0) assert.equal(o, b.close[t - 1], `${label}: open != previous close at ${t}`)
    assert.ok(b.volume[t] >= 1 && Number.isInteger(b.volume[t]), `${label}: volume ${b.volume[t]} at ${t}`)
  }
}

function expectError(fn: () => unknown, code: string, path: string, valid?: readonly string[]): FactoryError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof FactoryError, `expected FactoryError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.equal(e.details.path, path, e.message)
    if (valid) assert.deepEqual(e.details.valid, valid)
    return e
  }
  assert.fail(`expected ${code} at ${path}`)
}

test('every kind: same seed gives identical bars, another seed differs', () => {
  for (const kind of SYNTH_KINDS) {
    const a = synthBars({ kind, bars: 5000, seed: 11 })
    const b = synthBars({ kind, bars: 5000, seed: 11 })
    const c = synthBars({ kind, bars: 5000, seed: 12 })
    for (const k of COLS) assert.deepEqual(a[k], b[k], `${kind}.${k}`)
    assert.notDeepEqual(a.close, c.close, kind)
    assert.equal(a.kind, kind)
    assert.equal(a.seed, 11)
  }
})

test('every kind: a longer series with the same seed extends a shorter one bar for bar', () => {
  for (const kind of SYNTH_KINDS) {
    const short = synthBars({ kind, bars: 1000, seed: 3 })
    const long = synthBars({ kind, bars: 3000, seed: 3 })
    for (const k of COLS) assert.deepEqual(short[k], long[k].subarray(0, 1000), `${kind}.${k}`)
    if (short.states) assert.deepEqual(short.states, long.states!.subarray(0, 1000))
    if (short.expectedReturn) assert.deepEqual(short.expectedReturn, long.expectedReturn!.subarray(0, 1000))
  }
})

test('every kind: positive prices, low <= min(open, close), high >= max(open, close), open = previous close, volume >= 1', () => {
  for (const kind of SYNTH_KINDS) assertWellFormed(synthBars({ kind, bars: 200_000, seed: 5 }), kind)
  assertWellFormed(synthBars({ kind: 'random_walk', bars: 20_000, seed: 5, sigma: 0.05 }), 'high sigma')
  assertWellFormed(synthBars({ kind: 'planted', bars: 50_000, seed: 5, tickSize: 0.25, startPrice: 4000 }), 'ticked')
})

test('regular 24x7 grid: default start 2024-01-01T00:00Z at 1 minute; start and barSize options', () => {
  const a = synthBars({ kind: 'random_walk', bars: 3000, seed: 1 })
  assert.equal(a.ts[0], Date.UTC(2024, 0, 1))
  for (let t = 1; t < a.length; t++) assert.equal(a.ts[t] - a.ts[t - 1], 60_000)
  const b = synthBars({ kind: 'random_walk', bars: 10, seed: 1, start: '2013-10-06T22:00:00Z', barSize: '5m' })
  assert.equal(b.ts[0], Date.UTC(2013, 9, 6, 22))
  assert.equal(b.ts[9] - b.ts[0], 9 * 300_000)
  const c = synthBars({ kind: 'random_walk', bars: 2, seed: 1, start: Date.UTC(2020, 1, 3) })
  assert.equal(c.ts[0], Date.UTC(2020, 1, 3))
  assert.equal(a.open[0], 100)
})

test('tickSize rounds every price to a whole tick that prints without float noise', () => {
  const b = synthBars({ kind: 'regime', bars: 20_000, seed: 2, tickSize: 0.01, startPrice: 50 })
  for (let t = 0; t < b.length; t++) {
    for (const p of [b.open[t], b.high[t], b.low[t], b.close[t]]) {
      assert.ok(Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, `${p} not on the 0.01 grid`)
      assert.ok(String(p).length <= String(Math.round(p)).length + 3, `${p} prints with float noise`)
    }
  }
})

test('random walk: log returns have the requested sigma and no lag-1 autocorrelation', () => {
  const sigma = 0.001
  const b = synthBars({ kind: 'random_walk', bars: 200_000, seed: 9, sigma })
  let s = 0, s2 = 0, sxy = 0, prev = 0
  const n = b.length - 1
  for (let t = 1; t <= n; t++) {
    const r = Math.log(b.close[t] / b.close[t - 1])
    s += r; s2 += r * r
    if (t > 1) sxy += r * prev
    prev = r
  }
  const sd = Math.sqrt(s2 / n - (s / n) ** 2)
  assert.ok(Math.abs(sd / sigma - 1) < 0.01, `sd ${sd}`)
  assert.ok(Math.abs(sxy / s2) < 0.01, `lag-1 autocorrelation ${sxy / s2}`)
})

test('intrabar extremes match Brownian motion: E[log(high/open)] = E[log(open/low)] = sigma*sqrt(2/pi)', () => {
  const sigma = 0.001
  const b = synthBars({ kind: 'random_walk', bars: 200_000, seed: 4, sigma })
  let up = 0, dn = 0
  for (let t = 0; t < b.length; t++) {
    up += Math.log(b.high[t] / b.open[t])
    dn += Math.log(b.open[t] / b.low[t])
  }
  const want = sigma * Math.sqrt(2 / Math.PI)
  assert.ok(Math.abs(up / b.length / want - 1) < 0.01, `mean up-move ${up / b.length} vs ${want}`)
  assert.ok(Math.abs(dn / b.length / want - 1) < 0.01, `mean down-move ${dn / b.length} vs ${want}`)
})

test('validation names the bad field and the valid choices', () => {
  const e = expectError(() => synthBars({ kind: 'randomwalk', bars: 10, seed: 1 } as unknown as SynthOptions), 'E_UNKNOWN_NAME', 'kind', SYNTH_KINDS)
  assert.match(e.message, /randomwalk.*random_walk, planted, regime/)
  expectError(() => synthBars({ kind: 'planted', bars: 0, seed: 1 }), 'E_PARAM', 'bars')
  expectError(() => synthBars({ kind: 'planted', bars: 1.5, seed: 1 }), 'E_PARAM', 'bars')
  expectError(() => synthBars({ kind: 'planted', bars: 10, seed: -1 }), 'E_PARAM', 'seed')
  expectError(() => synthBars({ kind: 'random_walk', bars: 10, seed: 1, sigma: 0 }), 'E_PARAM', 'sigma')
  expectError(() => synthBars({ kind: 'planted', bars: 10, seed: 1, strength: Number.NaN }), 'E_PARAM', 'strength')
  expectError(() => synthBars({ kind: 'planted', bars: 10, seed: 1, start: '2024-01-01 09:30' }), 'E_PARAM', 'start')
  expectError(() => synthBars({ kind: 'planted', bars: 10, seed: 1, barSize: '7x' }), 'E_BAR_SIZE', 'barSize')
  const typo = expectError(() => synthBars({ kind: 'random_walk', bars: 10, seed: 1, sigam: 0.1 } as unknown as SynthOptions), 'E_PARAM', 'sigam')
  assert.ok((typo.details.valid as string[]).includes('sigma'))
  // regime-only fields are not accepted by other kinds
  expectError(() => synthBars({ kind: 'planted', bars: 10, seed: 1, sigmas: [1, 2] } as unknown as SynthOptions), 'E_PARAM', 'sigmas')
})
