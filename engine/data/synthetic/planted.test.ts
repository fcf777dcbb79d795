import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Bars } from '../bars.ts'
import { wilderAtr } from '../features/atr.ts'
import { plantedBars } from './planted.ts'
import { randomWalkBars } from './randomWalk.ts'

/** Rank-based AUC (Mann–Whitney U / (n+ · n−)), ties share the mean rank. */
function auc(score: ArrayLike<number>, positive: ArrayLike<number>): number {
  const n = score.length
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b])
  const rank = new Float64Array(n)
  for (let i = 0; i < n; ) {
    let j = i
    while (j + 1 < n && score[idx[j + 1]] === score[idx[i]]) j++
    for (let k = i; k <= j; k++) rank[idx[k]] = (i + j) / 2 + 1
    i = j + 1
  }
  let np = 0, sumPos = 0
  for (let i = 0; i < n; i++) if (positive[i]) { np++; sumPos += rank[i] }
  return (sumPos - (np * (np + 1)) / 2) / (np * (n - np))
}

const L = 30
const H = 30

/** Causal predictor: sign of the trailing 30-bar return; outcome: forward 30-bar return > 0. */
function signAuc(b: Bars): number {
  const s: number[] = [], y: number[] = []
  for (let t = L; t + H < b.length; t++) {
    s.push(Math.sign(b.close[t] - b.close[t - L]))
    y.push(b.close[t + H] > b.close[t] ? 1 : 0)
  }
  return auc(s, y)
}

/** Trailing 30-bar return as the score for a k·ATR(14), 30-bar triple-barrier label (upper vs
 * lower touched first; a bar touching both counts as lower, timeouts left out). */
function barrierAuc(b: Bars, k: number): number {
  const atr = wilderAtr(b.high, b.low, b.close, 14)
  const s: number[] = [], y: number[] = []
  for (let t = L; t + H < b.length; t++) {
    const up = b.close[t] + k * atr[t], lo = b.close[t] - k * atr[t]
    let label = 0
    for (let j = 1; j <= H && label === 0; j++) {
      if (b.low[t + j] <= lo) label = -1
      else if (b.high[t + j] >= up) label = 1
    }
    if (label === 0) continue
    s.push(Math.log(b.close[t] / b.close[t - L]))
    y.push(label === 1 ? 1 : 0)
  }
  return auc(s, y)
}

test('auc helper: perfect, reversed, tied and hand-computed cases', () => {
  assert.equal(auc([1, 2, 3, 4], [0, 0, 1, 1]), 1)
  assert.equal(auc([4, 3, 2, 1], [0, 0, 1, 1]), 0)
  assert.equal(auc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5)
  // positives 0.8, 0.4; negatives 0.5, 0.1: pairs won 1 + 1 + 0 + 1 = 3 of 4
  assert.equal(auc([0.8, 0.5, 0.4, 0.1], [1, 0, 1, 0]), 0.75)
})

const N = 300_000

test('planted (defaults): sign of the trailing 30-bar return predicts the forward 30-bar sign, AUC > 0.6', () => {
  for (const seed of [1, 2]) {
    const a = signAuc(plantedBars({ bars: N, seed }))
    assert.ok(a > 0.6, `seed ${seed}: AUC ${a}`)
  }
})

test('random walk: the same predictor scores chance, AUC within 0.5 ± 0.02', () => {
  for (const seed of [1, 2, 3]) {
    const a = signAuc(randomWalkBars({ bars: N, seed }))
    assert.ok(Math.abs(a - 0.5) < 0.02, `seed ${seed}: AUC ${a}`)
  }
})

test('planted (defaults): a 1–2 ATR, 30-bar triple-barrier label is predictable from the trailing return (AUC > 0.6); random walk is not', () => {
  const planted = plantedBars({ bars: N, seed: 7 })
  const rw = randomWalkBars({ bars: N, seed: 7 })
  for (const k of [1, 2]) {
    const p = barrierAuc(planted, k)
    const r = barrierAuc(rw, k)
    assert.ok(p > 0.6, `planted k=${k}: AUC ${p}`)
    assert.ok(Math.abs(r - 0.5) < 0.02, `random walk k=${k}: AUC ${r}`)
  }
})

test('strength 0 removes the signal; more strength gives more AUC', () => {
  const a0 = signAuc(plantedBars({ bars: N, seed: 4, strength: 0 }))
  const a1 = signAuc(plantedBars({ bars: N, seed: 4, strength: 0.1 }))
  const a2 = signAuc(plantedBars({ bars: N, seed: 4, strength: 0.3 }))
  assert.ok(Math.abs(a0 - 0.5) < 0.02, `strength 0: ${a0}`)
  assert.ok(a0 < a1 && a1 < a2, `${a0} ${a1} ${a2}`)
})

test('expectedReturn is the true conditional mean: corr with realised log returns ≈ strength/√(1+strength²)', () => {
  const strength = 0.25
  const b = plantedBars({ bars: N, seed: 8, strength })
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0
  const n = b.length - 1
  for (let t = 1; t <= n; t++) {
    const x = b.expectedReturn[t], y = Math.log(b.close[t] / b.close[t - 1])
    sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
  }
  const corr = (sxy / n - (sx / n) * (sy / n)) / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2))
  const want = strength / Math.sqrt(1 + strength * strength)
  assert.ok(Math.abs(corr - want) < 0.01, `corr ${corr} vs ${want}`)
})
