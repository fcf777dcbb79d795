import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { allocBars } from '../bars.ts'
import { wilderAtr } from '../features/atr.ts'
import { tripleBarrierLabels, type BarrierSpec } from './tripleBarrier.ts'

/** Produced by scripts/fixtures/labels_reference.py, an independent numpy implementation of the rules. */
interface Fixture {
  tick_size: number
  bars: { open: number[]; high: number[]; low: number[]; close: number[] }
  cases: {
    params: BarrierSpec & { name: string }
    label: number[]
    valid: number[]
    touchOffset: number[]
    labelEnd: number[]
    netReturn: (number | null)[]
  }[]
}

const fx = JSON.parse(readFileSync(new URL('./fixtures/labels_reference.json', import.meta.url), 'utf8')) as Fixture
const n = fx.bars.close.length
const bars = allocBars(n)
bars.open.set(fx.bars.open)
bars.high.set(fx.bars.high)
bars.low.set(fx.bars.low)
bars.close.set(fx.bars.close)

for (const c of fx.cases) {
  test(`matches the Python reference exactly: ${c.params.name}`, () => {
    const { name: _name, ...spec } = c.params
    const r = tripleBarrierLabels(bars, spec, fx.tick_size)
    for (let t = 0; t < n; t++) {
      const at = `row ${t} (${c.params.name})`
      assert.equal(r.label[t], c.label[t], `label ${at}`)
      assert.equal(r.valid[t], c.valid[t], `valid ${at}`)
      assert.equal(r.touchOffset[t], c.touchOffset[t], `touchOffset ${at}`)
      assert.equal(r.labelEnd[t], c.labelEnd[t], `labelEnd ${at}`)
      const want = c.netReturn[t]
      if (want === null) assert.ok(Number.isNaN(r.netReturn[t]), `netReturn ${at} should be NaN`)
      else {
        assert.ok(Math.abs(r.netReturn[t] - want) <= 1e-12, `netReturn ${at}: ${r.netReturn[t]} vs ${want}`)
        assert.ok(Math.abs(r.netReturnFrac[t] - want / bars.close[t]) <= 1e-15)
      }
    }
  })
}

test('the fixture exercises every rule: ties, both labels, timeouts, warm-up and end rows', () => {
  let ties = 0
  let timeouts = 0
  let signTimeouts = 0
  let earlyEnd = 0
  for (const c of fx.cases) {
    const atr = wilderAtr(bars.high, bars.low, bars.close, c.params.atr_period)
    const cost = c.params.cost_ticks * fx.tick_size
    for (let t = 0; t < n; t++) {
      if (!c.valid[t]) continue
      const e = bars.close[t]
      const i = c.labelEnd[t]
      if (c.label[t] === -1 && bars.high[i] >= e + c.params.k_up * atr[t] + cost) ties++
      if (c.touchOffset[t] === c.params.horizon) timeouts++
      if (c.params.timeout_label === 'sign' && c.label[t] !== 0 && c.touchOffset[t] === c.params.horizon && c.netReturn[t]! < c.params.k_up * atr[t]) signTimeouts++
      if (t + c.params.horizon > n - 1) earlyEnd++
    }
    assert.equal(c.valid.slice(0, c.params.atr_period - 1).some((v) => v === 1), false)
    assert.ok(c.label.includes(1) && c.label.includes(-1))
  }
  assert.ok(ties > 0, 'no bar touching both barriers')
  assert.ok(timeouts > 0 && signTimeouts > 0, `timeouts ${timeouts}, sign timeouts ${signTimeouts}`)
  assert.ok(earlyEnd > 0, 'no row near the end decided by an early touch')
})
