import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { sliceBars, type Bars } from '../bars.ts'
import { createRng } from '../rng.ts'
import type { GaConfig, LabelSearchBounds } from './labelConfig.ts'
import { labelObjective, prepareObjective } from './labelObjective.ts'
import { optimiseLabelParams } from './labelOptimiser.ts'
import { randomWalkBars } from './syntheticBars.ts'
import { tripleBarrierLabels } from './tripleBarrier.ts'

const ga: GaConfig = { population: 12, generations: 8, mutation_rate: 0.3, mutation_scale: 0.15, crossover_rate: 0.8, tournament_size: 3, elitism: 2, seed: 7 }
const bounds: LabelSearchBounds = { k_up: [0.25, 6], k_down: [0.25, 6], horizon: [5, 160] }
const market = { tickSize: 0.25, costTicks: 8 }
const isCode = (code: string, re: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === code && re.test(e.message)

/** Replace bars in [from, to) by an unrelated, violently trending series. */
function scramble(b: Bars, from: number, to: number, seed: number): Bars {
  const out = sliceBars(b, 0, b.length)
  const rng = createRng(seed)
  for (let i = from; i < to; i++) {
    const jump = (rng.next() - 0.3) * 200
    out.close[i] += jump
    out.high[i] = Math.max(out.high[i], out.close[i]) + rng.next() * 50
    out.low[i] = Math.min(out.low[i], out.close[i]) - rng.next() * 50
  }
  return out
}

test('objective equals a recomputation from tripleBarrierLabels over each range alone', () => {
  const b = randomWalkBars(6000, 2)
  const ranges = [{ start: 100, end: 2500 }, { start: 3000, end: 6000 }]
  const cand = { k_up: 1.7, k_down: 2.3, horizon: 45 }
  for (const timeoutLabel of ['zero', 'sign'] as const) {
    const got = labelObjective(prepareObjective(b, ranges, { ...market, timeoutLabel, atrPeriod: 10 }), cand)
    const counts = [0, 0, 0]
    let ret = 0, hold = 0
    for (const r of ranges) {
      const lab = tripleBarrierLabels(sliceBars(b, r.start, r.end), { ...cand, atr_period: 10, timeout_label: timeoutLabel, cost_ticks: 8 }, 0.25)
      for (let t = 9; t + 45 <= r.end - r.start - 1; t++) {
        assert.equal(lab.valid[t], 1)
        counts[lab.label[t] + 1]++
        ret += lab.netReturnFrac[t]
        hold += lab.touchOffset[t]
      }
    }
    const n = counts[0] + counts[1] + counts[2]
    const p = counts.map((c) => c / n)
    const bal = -p.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0) / Math.log(3)
    assert.deepEqual(got.counts, counts)
    assert.equal(got.samples, n)
    assert.ok(Math.abs(got.edgePerBar - ret / hold) <= 1e-12 * Math.abs(ret / hold))
    assert.ok(Math.abs(got.objective - (ret / hold) * bal) <= 1e-12 * Math.abs(got.objective))
  }
})

test('degenerate labellings score zero: all timeouts have no class balance', () => {
  const b = randomWalkBars(3000, 4)
  const ctx = prepareObjective(b, [{ start: 0, end: 3000 }], market)
  const s = labelObjective(ctx, { k_up: 1000, k_down: 1000, horizon: 20 })
  assert.deepEqual(s.counts, [0, s.samples, 0])
  assert.equal(s.objective, 0)
  assert.equal(labelObjective(ctx, { k_up: 1, k_down: 1, horizon: 5000 }).objective, -Infinity)
})

test('deterministic under a seed; another seed searches differently', async () => {
  const b = randomWalkBars(8000, 5)
  const ranges = [{ start: 0, end: 8000 }]
  const a = await optimiseLabelParams(b, ranges, bounds, ga, market)
  const again = await optimiseLabelParams(b, ranges, bounds, ga, market)
  assert.deepEqual(again, a)
  const other = await optimiseLabelParams(b, ranges, bounds, { ...ga, seed: 8 }, market)
  assert.notDeepEqual(other.history, a.history)
  assert.equal(a.history.length, ga.generations)
  assert.ok(a.best.horizon >= 5 && a.best.horizon <= 160 && Number.isInteger(a.best.horizon))
  assert.ok(a.best.k_up >= 0.25 && a.best.k_up <= 6 && a.best.k_down >= 0.25 && a.best.k_down <= 6)
})

test('data outside the training ranges, even the bar right after a range, cannot change the choice', async () => {
  const b = randomWalkBars(10_000, 6)
  const ranges = [{ start: 0, end: 4000 }, { start: 6000, end: 9000 }]
  const base = await optimiseLabelParams(b, ranges, bounds, ga, market)
  // test span between the ranges (starting exactly at the first range's end) and after the last
  const testSpans = scramble(scramble(b, 4000, 6000, 1), 9000, 10_000, 2)
  assert.deepEqual(await optimiseLabelParams(testSpans, ranges, bounds, ga, market), base)
  // a single bar right after the range end, made absurd
  const oneBar = sliceBars(b, 0, b.length)
  oneBar.high[4000] = 1e9
  oneBar.low[4000] = -1e9
  assert.deepEqual(await optimiseLabelParams(oneBar, ranges, bounds, ga, market), base)
  // positive control: the same change inside a range does move the search
  const inside = scramble(b, 2000, 4000, 1)
  assert.notDeepEqual((await optimiseLabelParams(inside, ranges, bounds, ga, market)).history, base.history)
})

test('the best objective holds or improves over generations and beats the first generation', async () => {
  const b = randomWalkBars(8000, 9)
  const r = await optimiseLabelParams(b, [{ start: 0, end: 8000 }], bounds, { ...ga, generations: 12 }, market)
  for (let g = 1; g < r.history.length; g++) {
    assert.ok(r.history[g].best >= r.history[g - 1].best, `generation ${g} lost the elite`)
    assert.ok(r.history[g].bestSoFar >= r.history[g - 1].bestSoFar)
  }
  assert.ok(r.objective > r.history[0].best, `${r.objective} vs first generation ${r.history[0].best}`)
  assert.equal(r.objective, r.history.at(-1)!.bestSoFar)
  assert.equal(r.objective, r.stats.objective)
})

test('finds the region an exhaustive grid marks as best, and the region moves with cost', async () => {
  const b = randomWalkBars(10_000, 1)
  const ranges = [{ start: 0, end: 10_000 }]
  const found: Record<number, { k: number; h: number }> = {}
  for (const costTicks of [0, 40]) {
    const ctx = prepareObjective(b, ranges, { tickSize: 0.25, costTicks })
    let gridBest = -Infinity
    for (const k_up of [0.25, 0.5, 1, 1.5, 2, 3, 4, 6]) {
      for (const k_down of [0.25, 0.5, 1, 1.5, 2, 3, 4, 6]) {
        for (const horizon of [5, 10, 20, 40, 80, 160]) gridBest = Math.max(gridBest, labelObjective(ctx, { k_up, k_down, horizon }).objective)
      }
    }
    const r = await optimiseLabelParams(b, ranges, bounds, { ...ga, population: 16, generations: 12, seed: 1 }, { tickSize: 0.25, costTicks })
    assert.ok(r.objective >= 0.95 * gridBest, `cost ${costTicks}: GA ${r.objective} vs grid ${gridBest}`)
    found[costTicks] = { k: r.best.k_up + r.best.k_down, h: r.best.horizon }
  }
  // costly trading must push the barriers out and the horizon up (a narrow barrier cannot pay 10 points)
  assert.ok(found[40].k > found[0].k + 2, JSON.stringify(found))
  assert.ok(found[40].h > 4 * found[0].h, JSON.stringify(found))
})

test('progress per generation, cancellation through the signal, clear errors', async () => {
  const b = randomWalkBars(3000, 3)
  const ranges = [{ start: 0, end: 3000 }]
  const seen: number[] = []
  await optimiseLabelParams(b, ranges, bounds, { ...ga, generations: 4 }, market, (p) => { seen.push(p.generation); assert.equal(p.generations, 4) })
  assert.deepEqual(seen, [0, 1, 2, 3])
  const ac = new AbortController()
  await assert.rejects(optimiseLabelParams(b, ranges, bounds, ga, market, (p) => { if (p.generation === 1) ac.abort() }, ac.signal), isCode('E_CANCELLED', /generation 2 of 8/))
  await assert.rejects(optimiseLabelParams(b, [{ start: 0, end: 2000 }, { start: 1500, end: 3000 }], bounds, ga, market), isCode('E_SPLIT', /trainRanges\[1\] = \[1500, 3000\)/))
  await assert.rejects(optimiseLabelParams(b, [{ start: 0, end: 15 }], bounds, ga, market), isCode('E_SPLIT', /longest training range has 15 bars/))
  await assert.rejects(optimiseLabelParams(b, ranges, { ...bounds, horizon: [50, 10] }, ga, market), isCode('E_PARAM', /labels\.optimise\.bounds\.horizon/))
  await assert.rejects(optimiseLabelParams(b, ranges, bounds, { ...ga, elitism: 12 }, market), isCode('E_PARAM', /elitism must be an integer in 0\.\.11/))
})
