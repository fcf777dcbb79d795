import { test } from 'node:test'
import assert from 'node:assert/strict'
import { trueRange, wilderAtr } from './atr.ts'

test('Wilder ATR seeds with the mean true range and smooths by 1/period', () => {
  const h = Float64Array.from([10, 11, 12, 11, 13])
  const l = Float64Array.from([9, 9.5, 10, 10, 11])
  const c = Float64Array.from([9.5, 10.5, 11, 10.5, 12.5])
  const tr = trueRange(h, l, c)
  assert.deepEqual(Array.from(tr), [1, 1.5, 2, 1, 2.5])
  const atr = wilderAtr(h, l, c, 3)
  assert.ok(Number.isNaN(atr[0]) && Number.isNaN(atr[1]))
  assert.equal(atr[2], 1.5)
  assert.equal(atr[3], (1.5 * 2 + 1) / 3)
  assert.equal(atr[4], (atr[3] * 2 + 2.5) / 3)
})
