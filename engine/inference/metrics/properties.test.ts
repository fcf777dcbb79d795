import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../data/rng.ts'
import { rocAuc } from './auc.ts'
import { brierScore, logLoss } from './classification.ts'
import { ic, pearson } from './correlation.ts'
import { ece, reliabilityBins } from './reliability.ts'
import { mae } from './regression.ts'
import { intervalCoverage, pinballLoss, winklerScore } from './quantiles.ts'

function bernoulli(p: Float64Array, seed: number): Float64Array {
  const rng = createRng(seed)
  return p.map((v) => (rng.next() < v ? 1 : 0))
}
function uniform(n: number, seed: number): Float64Array {
  const rng = createRng(seed)
  return Float64Array.from({ length: n }, () => rng.next())
}

/** Independent O(n²) definition: P(score_pos > score_neg) + ½ P(tie), weighted by w_pos·w_neg. */
function pairwiseAuc(p: Float64Array, y: Float64Array, w?: Float64Array): number {
  let num = 0
  let den = 0
  for (let i = 0; i < p.length; i++) {
    if (y[i] !== 1) continue
    for (let j = 0; j < p.length; j++) {
      if (y[j] !== 0) continue
      const ww = w ? w[i] * w[j] : 1
      den += ww
      num += ww * (p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0)
    }
  }
  return num / den
}

test('AUC of predictions independent of the labels is 0.5 ± 0.01 on large n (3 seeds)', () => {
  for (const seed of [11, 12, 13]) {
    const p = uniform(300_000, seed)
    const y = bernoulli(new Float64Array(p.length).fill(0.5), seed + 100)
    const auc = rocAuc(p, y).value
    assert.ok(Math.abs(auc - 0.5) < 0.01, `seed ${seed}: AUC ${auc}`)
  }
})

test('AUC(p) = 1 − AUC(1 − p), with ties and with weights', () => {
  const rng = createRng(5)
  for (const n of [50, 3000]) {
    // Multiples of 1/64: 1 − p is exact and ties are plentiful.
    const p = Float64Array.from({ length: n }, () => rng.int(65) / 64)
    const y = bernoulli(p, n)
    const w = Float64Array.from({ length: n }, () => rng.next() * 2)
    const q = p.map((v) => 1 - v)
    for (const weight of [undefined, w]) {
      const a = rocAuc(p, y, { weight }).value
      const b = rocAuc(q, y, { weight }).value
      assert.ok(Math.abs(a + b - 1) <= 1e-12, `n=${n} weighted=${weight !== undefined}: ${a} + ${b}`)
    }
  }
})

test('AUC equals the pairwise-comparison definition (ties count ½), unweighted and weighted, on both sort paths', () => {
  const rng = createRng(6)
  for (const n of [7, 400, 2500]) {
    const p = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 3) / 3)
    const y = bernoulli(p.map((v) => 1 / (1 + Math.exp(-v))), n + 1)
    const w = Float64Array.from({ length: n }, () => rng.int(4))
    assert.ok(Math.abs(rocAuc(p, y).value - pairwiseAuc(p, y)) <= 1e-12, `n=${n}`)
    assert.ok(Math.abs(rocAuc(p, y, { weight: w }).value - pairwiseAuc(p, y, w)) <= 1e-12, `n=${n} weighted`)
  }
})

test('AUC depends only on the order of the scores: a strictly increasing transform leaves it unchanged', () => {
  const p = uniform(5000, 21)
  const y = bernoulli(p, 22)
  const logit = p.map((v) => Math.log(v / (1 - v)))
  assert.equal(rocAuc(logit, y).value, rocAuc(p, y).value)
  assert.equal(rocAuc(p, y).value > 0.7, true) // informative scores are recognised as such
})

test('perfectly calibrated p gives a small ECE; a miscalibrated p does not (both bin strategies)', () => {
  const p = uniform(200_000, 31)
  const y = bernoulli(p, 32)
  const overconfident = p.map((v) => (v > 0.5 ? Math.min(1, v + 0.15) : Math.max(0, v - 0.15)))
  for (const strategy of ['uniform', 'quantile'] as const) {
    const good = ece(p, y, { strategy }).value
    const bad = ece(overconfident, y, { strategy }).value
    assert.ok(good < 0.01, `${strategy}: calibrated ECE ${good}`)
    assert.ok(bad > 0.1, `${strategy}: miscalibrated ECE ${bad}`)
  }
  // On calibrated data each bin's observed frequency tracks its mean prediction.
  for (const b of reliabilityBins(p, y, { bins: 10 }).bins) assert.ok(Math.abs(b.fractionPositive - b.meanPredicted) < 0.02)
})

test('quantile bins hold equal mass; uniform bins have equal width and are all listed even when empty', () => {
  const p = uniform(10_000, 41).map((v) => v * 0.3) // all mass in [0, 0.3)
  const y = bernoulli(p, 42)
  const q = reliabilityBins(p, y, { bins: 10, strategy: 'quantile' })
  for (const b of q.bins) assert.ok(Math.abs(b.count - 1000) <= 1, `quantile bin count ${b.count}`)
  const u = reliabilityBins(p, y, { bins: 10, strategy: 'uniform' })
  assert.equal(u.bins.length, 10)
  assert.equal(u.bins.filter((b) => b.count === 0).length, 7)
  u.bins.forEach((b, i) => assert.ok(Math.abs(b.hi - b.lo - 0.1) < 1e-12 && Math.abs(b.lo - i / 10) < 1e-12))
  assert.equal(u.bins.reduce((s, b) => s + b.count, 0), 10_000)
})

test('NaN rows are skipped: each metric equals its value on the compacted rows and reports the count used', () => {
  const n = 3000
  const p = uniform(n, 51)
  const y = bernoulli(p, 52)
  const rng = createRng(53)
  const pN = p.slice()
  const yN = y.slice()
  for (let k = 0; k < 200; k++) pN[rng.int(n)] = Number.NaN
  for (let k = 0; k < 200; k++) yN[rng.int(n)] = Number.NaN
  const keep = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(pN[i]) && !Number.isNaN(yN[i]))
  const pc = Float64Array.from(keep, (i) => p[i])
  const yc = Float64Array.from(keep, (i) => y[i])
  for (const [name, f] of [['rocAuc', rocAuc], ['logLoss', logLoss], ['brierScore', brierScore], ['ece', ece], ['ic', ic], ['pearson', pearson], ['mae', mae]] as const) {
    const a = f(pN, yN)
    const b = f(pc, yc)
    assert.equal(a.n, keep.length, name)
    assert.ok(a.n < n - 200, `${name}: some rows were skipped`)
    assert.ok(Math.abs(a.value - b.value) <= 1e-12 * Math.abs(b.value), `${name}: ${a.value} vs ${b.value}`)
  }
})

test('log loss stays finite at confident mistakes (clipped at machine epsilon, as sklearn)', () => {
  const r = logLoss(new Float64Array([1, 0]), new Float64Array([0, 1]))
  assert.ok(Math.abs(r.value - -Math.log(Number.EPSILON)) < 1e-9, `${r.value}`)
})

test('pinball loss is minimised by the empirical quantile; a 90% normal interval covers about 90%', () => {
  const rng = createRng(61)
  const y = Float64Array.from({ length: 100_000 }, () => rng.normal())
  const at = (c: number, a: number): number => pinballLoss(y, new Float64Array(y.length).fill(c), a).value
  const z95 = 1.6448536269514722
  for (const [a, z] of [[0.05, -z95], [0.5, 0], [0.95, z95]]) {
    assert.ok(at(z, a) < at(z + 0.05, a) && at(z, a) < at(z - 0.05, a), `alpha ${a}`)
  }
  const lo = new Float64Array(y.length).fill(-z95)
  const hi = new Float64Array(y.length).fill(z95)
  const cov = intervalCoverage(y, lo, hi).value
  assert.ok(Math.abs(cov - 0.9) < 0.005, `coverage ${cov}`)
  // Winkler = (2/α)(pinball_{α/2}(lo) + pinball_{1−α/2}(hi)), on crossed intervals too.
  const crossed = Float64Array.from(lo, (v) => v + 2 * z95)
  const wk = winklerScore(y, crossed, hi.map((v) => v - 2 * z95), 0.1).value
  const viaPinball = (2 / 0.1) * (pinballLoss(y, crossed, 0.05).value + pinballLoss(y, hi.map((v) => v - 2 * z95), 0.95).value)
  assert.ok(Math.abs(wk - viaPinball) <= 1e-9 * viaPinball, `${wk} vs ${viaPinball}`)
})

test('IC is invariant to monotone transforms of either side and is ±1 for a monotone relation', () => {
  const rng = createRng(71)
  const x = Float64Array.from({ length: 4000 }, () => rng.normal())
  const y = x.map((v) => v + rng.normal())
  const base = ic(x, y).value
  assert.ok(Math.abs(ic(x.map(Math.exp), y.map((v) => v * v * v)).value - base) <= 1e-12)
  assert.equal(ic(x, x.map(Math.exp)).value, 1)
  assert.equal(ic(x, x.map((v) => -v)).value, -1)
})
