import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Bars } from '../bars.ts'
import { computeFeatures } from './computeFeatures.ts'
import { emaSpan } from './ema.ts'

// Fixture written by scripts/fixtures/features_reference.py with pandas (ewm adjust=False, rolling
// std ddof=1); regenerate with `/usr/bin/python3 scripts/fixtures/features_reference.py`.
const fx = JSON.parse(readFileSync(new URL('./fixtures/features_reference.json', import.meta.url), 'utf8')) as {
  bars: Record<'open' | 'high' | 'low' | 'close' | 'volume', number[]>
  expected: Record<string, (number | null)[]>
}
const n = fx.bars.close.length
const bars: Bars = {
  length: n,
  ts: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 2) + i * 60_000),
  open: Float64Array.from(fx.bars.open),
  high: Float64Array.from(fx.bars.high),
  low: Float64Array.from(fx.bars.low),
  close: Float64Array.from(fx.bars.close),
  volume: Float64Array.from(fx.bars.volume),
}

/** |a − b| ≤ 1e-9·|b| (+1e-15 so exact zeros compare); the first `warmup` TS rows must be NaN. */
function assertMatches(name: string, got: Float64Array, want: (number | null)[], warmup: number): void {
  assert.equal(got.length, want.length, name)
  let compared = 0
  for (let t = 0; t < got.length; t++) {
    if (t < warmup) {
      assert.ok(Number.isNaN(got[t]), `${name}[${t}] should be NaN during warm-up, got ${got[t]}`)
      continue
    }
    const w = want[t]
    assert.ok(w !== null, `${name}[${t}]: pandas has NaN where TS has ${got[t]}`)
    const err = Math.abs(got[t] - w)
    assert.ok(err <= 1e-9 * Math.abs(w) + 1e-15, `${name}[${t}]: ${got[t]} vs pandas ${w} (|Δ| ${err})`)
    compared++
  }
  assert.ok(compared > 200, `${name}: only ${compared} rows compared`)
}

test('RSI, MACD, Bollinger %b, z-score and realised vol match pandas within 1e-9', () => {
  const spec = [
    { name: 'rsi', period: 14 },
    { name: 'rsi', period: 7 },
    { name: 'macd' },
    { name: 'macd', fast: 5, slow: 13, signal: 4 },
    { name: 'bollinger' },
    { name: 'bollinger', window: 10, k: 1.5 },
    { name: 'close_z', windows: [20, 60] },
    { name: 'rv', windows: [20, 60] },
  ]
  const out = computeFeatures(bars, spec)
  assert.deepEqual(out.names.filter((c) => !(c in fx.expected)), [], 'every computed column has a pandas reference')
  for (const f of out.features) {
    for (const c of f.columns) assertMatches(c, out.columns[out.names.indexOf(c)], fx.expected[c], columnWarmup(c, fx.expected[c]))
  }
})

// Where pandas has NaN, TS must too. MACD is the one deliberate difference: pandas emits the seeded
// EMAs from row 0, TS masks the line until slow − 1 and signal/histogram until slow + signal − 2.
function columnWarmup(col: string, want: (number | null)[]): number {
  const m = /^macd_(\d+)_(\d+)_(\d+)(_signal|_hist)?$/.exec(col)
  if (m) return m[4] ? Number(m[2]) + Number(m[3]) - 2 : Number(m[2]) - 1
  let w = 0
  while (want[w] === null) w++
  return w
}

test('EMA recursion equals pandas ewm(span, adjust=False) from the first value', () => {
  assertMatches('ema_10', emaSpan(bars.close, 10), fx.expected.ema_10, 0)
})
