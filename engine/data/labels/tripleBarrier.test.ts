import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { allocBars, type Bars } from '../bars.ts'
import { wilderAtr } from '../features/atr.ts'
import { priceToMoney, tripleBarrierLabels, type BarrierSpec } from './tripleBarrier.ts'
import { randomWalkBars } from './syntheticBars.ts'

/** Bars from [high, low, close] rows; open = previous close (unused by the labeller). */
function bars(rows: [number, number, number][]): Bars {
  const b = allocBars(rows.length)
  rows.forEach(([h, l, c], i) => { b.high[i] = h; b.low[i] = l; b.close[i] = c; b.open[i] = i ? rows[i - 1][2] : c })
  return b
}
const spec = (o: Partial<BarrierSpec> = {}): BarrierSpec => ({ k_up: 2, k_down: 2, horizon: 3, atr_period: 14, timeout_label: 'zero', cost_ticks: 0, ...o })
const flatAtr = (n: number, v = 1) => new Float64Array(n).fill(v)

test('a bar touching both barriers counts as lower first', () => {
  // entry 100, ATR 1, k 2, no cost: U = 102, L = 98; bar 2 spans both
  const b = bars([[100, 100, 100], [101, 99, 100], [103, 97, 100], [100, 100, 100]])
  const r = tripleBarrierLabels(b, spec(), 0.25, flatAtr(4))
  assert.equal(r.label[0], -1)
  assert.equal(r.touchOffset[0], 2)
  assert.equal(r.labelEnd[0], 2)
  assert.equal(r.netReturn[0], 2) // short filled at L = 98
  assert.equal(r.netReturnFrac[0], 0.02)
  assert.equal(r.valid[0], 1)
})

test('cost pushes both barriers out by cost_ticks × tick_size', () => {
  // bar 1 high 102.5 clears U = 102 without cost but not U = 103 with 4 ticks × 0.25 = 1
  const b = bars([[100, 100, 100], [102.5, 99.5, 102], [103, 101, 102], [102, 101, 101]])
  const noCost = tripleBarrierLabels(b, spec(), 0.25, flatAtr(4))
  assert.equal(noCost.label[0], 1)
  assert.equal(noCost.touchOffset[0], 1)
  assert.equal(noCost.netReturn[0], 2)
  const withCost = tripleBarrierLabels(b, spec({ cost_ticks: 4 }), 0.25, flatAtr(4))
  assert.equal(withCost.label[0], 1)
  assert.equal(withCost.touchOffset[0], 2)
  assert.equal(withCost.labelEnd[0], 2)
  assert.equal(withCost.netReturn[0], 2) // exit 103 − entry 100 − cost 1: the win is net of cost
  // the lower barrier moves out too: L = 97 with cost, so a low of 97.5 no longer touches
  const dn = bars([[100, 100, 100], [100, 97.5, 98], [100, 96, 97], [100, 99, 99]])
  assert.equal(tripleBarrierLabels(dn, spec(), 0.25, flatAtr(4)).touchOffset[0], 1)
  const dnCost = tripleBarrierLabels(dn, spec({ cost_ticks: 4 }), 0.25, flatAtr(4))
  assert.equal(dnCost.label[0], -1)
  assert.equal(dnCost.touchOffset[0], 2)
  assert.equal(dnCost.netReturn[0], 2)
})

test('timeout: zero gives 0, sign gives the cost-cleared direction', () => {
  // cost 1 (4 ticks); barriers 97 / 103 never touched in 3 bars
  const mk = (c3: number) => bars([[100, 100, 100], [101, 99, 100], [101, 99, 100], [102, 98, c3]])
  const zero = tripleBarrierLabels(mk(101.5), spec({ cost_ticks: 4 }), 0.25, flatAtr(4))
  assert.equal(zero.label[0], 0)
  assert.equal(zero.touchOffset[0], 3)
  assert.equal(zero.labelEnd[0], 3)
  assert.equal(zero.netReturn[0], 0)
  assert.equal(zero.valid[0], 1)
  const s = (c3: number) => tripleBarrierLabels(mk(c3), spec({ cost_ticks: 4, timeout_label: 'sign' }), 0.25, flatAtr(4))
  const up = s(101.5)
  assert.equal(up.label[0], 1)
  assert.equal(up.netReturn[0], 0.5) // 1.5 move − 1 cost
  assert.equal(up.touchOffset[0], 3)
  const down = s(98.5)
  assert.equal(down.label[0], -1)
  assert.equal(down.netReturn[0], 0.5)
  const inside = s(101) // |g| = cost: no direction clears it
  assert.equal(inside.label[0], 0)
  assert.equal(inside.netReturn[0], 0)
})

test('rows near the end are valid only once a barrier has decided them', () => {
  // n = 4, H = 3: row 1 needs bar 4 unless touched; bar 2 touches U for row 1
  const b = bars([[100, 100, 100], [100, 100, 100], [103, 100, 102], [102, 101, 101.5]])
  const r = tripleBarrierLabels(b, spec(), 0.25, flatAtr(4))
  assert.equal(r.valid[0], 1) // touched at bar 2 (U = 102 ≤ 103)
  assert.equal(r.valid[1], 1)
  assert.equal(r.label[1], 1)
  assert.equal(r.touchOffset[1], 1)
  assert.equal(r.labelEnd[1], 2)
  for (const t of [2, 3]) {
    assert.equal(r.valid[t], 0, `row ${t}`)
    assert.equal(r.label[t], 0)
    assert.equal(r.labelEnd[t], -1)
    assert.equal(r.touchOffset[t], 0)
    assert.ok(Number.isNaN(r.netReturn[t]))
  }
})

test('ATR warm-up rows are invalid and the default ATR is Wilder ATR of atr_period', () => {
  const b = randomWalkBars(300, 7)
  const r = tripleBarrierLabels(b, spec({ atr_period: 20, horizon: 10 }), 0.25)
  for (let t = 0; t < 19; t++) assert.equal(r.valid[t], 0)
  assert.equal(r.valid[19], 1)
  const same = tripleBarrierLabels(b, spec({ atr_period: 20, horizon: 10 }), 0.25, wilderAtr(b.high, b.low, b.close, 20))
  assert.deepEqual(same, r)
  // invariants over every valid row
  for (let t = 0; t < b.length; t++) {
    if (!r.valid[t]) continue
    assert.ok(r.touchOffset[t] >= 1 && r.touchOffset[t] <= 10)
    assert.equal(r.labelEnd[t], t + r.touchOffset[t])
    assert.ok(r.labelEnd[t] < b.length)
    if (r.label[t] === 0) assert.equal(r.touchOffset[t], 10)
  }
})

test('a prefix of the data labels every row it calls valid exactly as the full data does', () => {
  const b = randomWalkBars(3000, 11)
  const s = spec({ horizon: 60, cost_ticks: 2, timeout_label: 'sign', k_up: 1.5, k_down: 2.5 })
  const full = tripleBarrierLabels(b, s, 0.25)
  for (const m of [500, 1234, 2999]) {
    const pre = tripleBarrierLabels({ ...b, length: m, high: b.high.subarray(0, m), low: b.low.subarray(0, m), close: b.close.subarray(0, m) }, s, 0.25)
    let validCount = 0
    for (let t = 0; t < m; t++) {
      if (!pre.valid[t]) continue
      validCount++
      assert.equal(pre.label[t], full.label[t], `row ${t}`)
      assert.equal(pre.touchOffset[t], full.touchOffset[t])
      assert.equal(pre.netReturn[t], full.netReturn[t])
    }
    // rows decided early near the cut stay valid (more than the m − H complete windows)
    assert.ok(validCount > m - 60 - 13, `${validCount}`)
  }
})

test('changing bars from t on changes no label at rows < t − H', () => {
  const H = 40
  const b = randomWalkBars(4000, 3)
  const s = spec({ horizon: H, cost_ticks: 1, timeout_label: 'sign' })
  const base = tripleBarrierLabels(b, s, 0.25)
  const rng = randomWalkBars(4000, 99) // source of perturbations
  for (const t of [200, 1000, 2500, 3900]) {
    const p = randomWalkBars(4000, 3)
    for (let i = t; i < p.length; i++) {
      const shift = (rng.close[i] - 4000) * 3
      p.high[i] += shift + 5; p.low[i] += shift - 5; p.close[i] += shift
    }
    const q = tripleBarrierLabels(p, s, 0.25)
    let differs = false
    for (let r = 0; r < p.length; r++) {
      const same = q.label[r] === base.label[r] && q.valid[r] === base.valid[r] && q.touchOffset[r] === base.touchOffset[r] && Object.is(q.netReturn[r], base.netReturn[r])
      if (r < t - H) assert.ok(same, `row ${r} changed after perturbing bars ≥ ${t}`)
      // a row decided before t must also hold, whatever its window length
      if (base.valid[r] && base.labelEnd[r] < t) assert.ok(same, `row ${r} (labelEnd ${base.labelEnd[r]}) changed`)
      if (!same) differs = true
    }
    assert.ok(differs, 'the perturbation should change some later label (else the test proves nothing)')
  }
})

test('priceToMoney converts price moves through tick size and tick value', () => {
  assert.equal(priceToMoney(2, 0.25, 12.5), 100) // ES: 2 points = 8 ticks
  assert.equal(priceToMoney(-0.5, 0.1, 10), -50) // GC
})

test('bad parameters and non-finite prices are E_PARAM / E_NAN_INPUT naming the field', () => {
  const b = randomWalkBars(50, 1)
  const isErr = (code: string, re: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === code && re.test(e.message)
  assert.throws(() => tripleBarrierLabels(b, spec({ horizon: 0 }), 0.25), isErr('E_PARAM', /labels\.horizon must be an integer ≥ 1; got 0/))
  assert.throws(() => tripleBarrierLabels(b, spec({ k_up: NaN }), 0.25), isErr('E_PARAM', /labels\.k_up/))
  assert.throws(() => tripleBarrierLabels(b, spec({ timeout_label: 'x' as never }), 0.25), isErr('E_PARAM', /zero or sign/))
  b.low[17] = NaN
  assert.throws(() => tripleBarrierLabels(b, spec(), 0.25), isErr('E_NAN_INPUT', /row 17 column 'low'/))
})

test('worst case at scale: 525,600 bars, H = 240, no barrier ever touched', (t) => {
  const n = 525_600
  const b = randomWalkBars(n, 42)
  const t0 = performance.now()
  const r = tripleBarrierLabels(b, spec({ k_up: 1e6, k_down: 1e6, horizon: 240, cost_ticks: 1 }), 0.25)
  const ms = performance.now() - t0
  // a measurement, not a timed assertion: the benchmark script reports throughput
  t.diagnostic(`${ms.toFixed(0)} ms, ${(n / ms / 1000).toFixed(2)} M bars/s`)
  let valid = 0
  for (let i = 0; i < n; i++) {
    if (!r.valid[i]) continue
    valid++
    if (r.label[i] !== 0 || r.touchOffset[i] !== 240 || r.labelEnd[i] !== i + 240) assert.fail(`row ${i}`)
  }
  assert.equal(valid, n - 13 - 240)
  assert.equal(r.valid[n - 241], 1)
  assert.equal(r.valid[n - 240], 0)
})
