import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../rng.ts'
import { rollingMean, rollingMeanStd, rollingStd, rollingSum } from './rolling.ts'

// Two passes over the window, shifted by its last value: x[j] − x[t] is exact for nearby values
// (Sterbenz), so the reference keeps digits even where std is tiny against the mean.
function naive(x: Float64Array, w: number, t: number): { mean: number; std: number; sum: number; abs: number } {
  const k = x[t]
  let s = 0
  for (let j = t - w + 1; j <= t; j++) s += x[j] - k
  const d = s / w
  let m2 = 0
  for (let j = t - w + 1; j <= t; j++) m2 += (x[j] - k - d) ** 2
  let sum = 0
  let abs = 0
  for (let j = t - w + 1; j <= t; j++) {
    sum += x[j]
    abs += Math.abs(x[j])
  }
  return { mean: k + d, std: Math.sqrt(m2 / (w - 1)), sum, abs }
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)

test('hand values: window 3 over [1, 2, 4, 8, NaN, 1, 2, 3, 4]', () => {
  const x = Float64Array.from([1, 2, 4, 8, NaN, 1, 2, 3, 4])
  const m = rollingMean(x, 3)
  const s = rollingStd(x, 3)
  const p = rollingStd(x, 3, 0)
  const sum = rollingSum(x, 3)
  const nanRows = [0, 1, 4, 5, 6]
  for (const t of nanRows) assert.ok(Number.isNaN(m[t]) && Number.isNaN(s[t]) && Number.isNaN(sum[t]), `row ${t}`)
  assert.ok(Math.abs(m[2] - 7 / 3) < 1e-15)
  assert.ok(Math.abs(s[2] - Math.sqrt(7 / 3)) < 1e-15) // deviations −4/3, −1/3, 5/3 → Σ² = 14/3, /2
  assert.ok(Math.abs(p[2] - Math.sqrt(14 / 9)) < 1e-15)
  assert.equal(sum[3], 14)
  assert.ok(Math.abs(m[3] - 14 / 3) < 1e-15)
  // the NaN at row 4 blanks rows 4–6; row 7 sees [1, 2, 3] again
  assert.ok(Math.abs(m[7] - 2) < 1e-15)
  assert.ok(Math.abs(s[7] - 1) < 1e-15)
  assert.equal(sum[8], 9)
})

test('running mean/std match a naive window computation to 1e-9 relative, through regime shifts', () => {
  const rng = createRng(11)
  const n = 60_000
  const x = new Float64Array(n)
  // price-like values (offset 4000) whose volatility collapses 100×, then return-like values (mean 0)
  // whose scale collapses 1e4× with NaN gaps: where running sums without care lose their digits
  for (let t = 0; t < n; t++) {
    if (t < 15_000) x[t] = 4000 + 50 * rng.normal()
    else if (t < 30_000) x[t] = 4000 + 0.5 * rng.normal()
    else if (t < 45_000) x[t] = 1e-2 * rng.normal()
    else x[t] = rng.next() < 0.002 ? NaN : 1e-6 * rng.normal()
  }
  for (const w of [3, 20, 257, 1440]) {
    const mean = new Float64Array(n)
    const std = new Float64Array(n)
    rollingMeanStd(x, w, 1, mean, std)
    const sum = rollingSum(x, w)
    let worst = 0
    let at = -1
    let checked = 0
    for (let t = 0; t < n; t++) {
      let clean = t >= w - 1
      for (let j = Math.max(0, t - w + 1); clean && j <= t; j++) if (Number.isNaN(x[j])) clean = false
      if (!clean) {
        assert.ok(Number.isNaN(std[t]) && Number.isNaN(mean[t]) && Number.isNaN(sum[t]), `w=${w} t=${t} should be NaN`)
        continue
      }
      const r = naive(x, w, t)
      // std relative to itself; a sum (or mean) of mixed signs relative to Σ|x|, its condition number
      const e = Math.max(rel(std[t], r.std), Math.abs(mean[t] - r.mean) / (r.abs / w), Math.abs(sum[t] - r.sum) / r.abs)
      if (e > worst) { worst = e; at = t }
      checked++
    }
    assert.ok(checked > n / 2, `w=${w}: ${checked} rows checked`)
    assert.ok(worst < 1e-9, `w=${w}: worst relative error ${worst} at row ${at}: ${std[at]} vs ${naive(x, w, at).std}`)
  }
})

test('a constant window has std exactly 0 after the resync', () => {
  const x = new Float64Array(100).fill(3.7)
  const s = rollingStd(x, 10)
  for (let t = 9; t < 100; t++) assert.ok(s[t] < 1e-12, `row ${t}: ${s[t]}`)
})
