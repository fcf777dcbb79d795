import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { wilderAtr } from '../features/atr.ts'
import { checkFinitePrices, firstTouch, timeoutSign, type TimeoutLabel } from './tripleBarrier.ts'

/**
 * THE LABEL-PARAMETER OBJECTIVE: how good is a labelling (k_up, k_down, H) for training on?
 *
 * Samples. Only bars inside the training ranges, and only those whose WHOLE label window
 * [t, t+H] lies inside the same range: t ∈ [s + atr_period − 1, e − 1 − H] for range [s, e).
 * ATR is restarted at every range start (Wilder ATR over that range's bars alone), so no bar
 * outside the training ranges is read — not even the history an ATR would otherwise carry
 * across a test span. Labels follow the triple-barrier rules in tripleBarrier.ts exactly.
 *
 * Per sample: r_t = netReturn_t / close_t (net P&L of trading the label: +1 long, −1 short,
 * 0 flat, as a fraction of entry) and h_t = touchOffset_t (bars the position or the wait lasts).
 *
 *   edge    = Σ r_t / Σ h_t = mean(r) / mean(h)        oracle net return per bar committed
 *   balance = −Σ_c p_c ln p_c / ln 3,  c ∈ {−1, 0, +1}  normalised entropy of the label mix
 *   objective = edge · balance
 *
 * Why: the edge rewards barriers that pay for their cost quickly (narrow barriers close to the
 * cost earn little per touch; wide ones wait long or time out), and dividing by holding time
 * compares horizons fairly. The entropy factor is 0 for an all-timeout or single-class labelling,
 * so degenerate settings that a classifier could not learn from lose outright.
 * With no sample at all the objective is −Infinity.
 */

export interface LabelCandidate {
  k_up: number
  k_down: number
  horizon: number
}

export interface ObjectiveMarket {
  tickSize: number
  /** round-trip cost in ticks */
  costTicks: number
  atrPeriod?: number
  timeoutLabel?: TimeoutLabel
}

export interface ObjectiveStats {
  objective: number
  edgePerBar: number
  balance: number
  samples: number
  meanHold: number
  meanNetFrac: number
  /** label counts [−1, 0, +1] */
  counts: [number, number, number]
}

export interface TrainRange {
  start: number
  end: number
}

/** Bars, ranges and their range-local ATR, prepared once and shared by every evaluation. */
export interface ObjectiveContext {
  high: Float64Array
  low: Float64Array
  close: Float64Array
  ranges: { start: number; end: number; atr: Float64Array }[]
  cost: number
  atrPeriod: number
  timeoutLabel: TimeoutLabel
  /** longest range, bounding the horizons that can yield samples */
  longest: number
}

export function checkTrainRanges(ranges: readonly TrainRange[], n: number, path = 'trainRanges'): void {
  if (ranges.length === 0) throw new FactoryError('E_SPLIT', `${path} is empty; the label optimiser needs at least one training range`, { path, value: [] })
  let prevEnd = 0
  ranges.forEach((r, i) => {
    const ok = Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= prevEnd && r.start < r.end && r.end <= n
    if (!ok) {
      throw new FactoryError('E_SPLIT', `${path}[${i}] = [${r.start}, ${r.end}) must be a non-empty integer span inside [0, ${n}), ascending and disjoint from the previous one (which ended at ${prevEnd})`, {
        path: `${path}[${i}]`, value: r, valid: [`${prevEnd}..${n}`],
      })
    }
    prevEnd = r.end
  })
}

export function prepareObjective(bars: Pick<Bars, 'length' | 'high' | 'low' | 'close' | 'line' | 'source'>, trainRanges: readonly TrainRange[], market: ObjectiveMarket): ObjectiveContext {
  checkTrainRanges(trainRanges, bars.length)
  const atrPeriod = market.atrPeriod ?? 14
  if (!(Number.isInteger(atrPeriod) && atrPeriod >= 1)) throw new FactoryError('E_PARAM', `labels.atr_period must be an integer ≥ 1; got ${atrPeriod}`, { path: 'labels.atr_period', value: atrPeriod })
  if (!(market.tickSize > 0 && Number.isFinite(market.tickSize))) throw new FactoryError('E_PARAM', `tick_size must be a finite number > 0; got ${market.tickSize}`, { path: 'tick_size', value: market.tickSize })
  if (!(market.costTicks >= 0 && Number.isFinite(market.costTicks))) throw new FactoryError('E_PARAM', `labels.cost_ticks must be a finite number ≥ 0; got ${market.costTicks}`, { path: 'labels.cost_ticks', value: market.costTicks })
  const { high, low, close } = bars
  let longest = 0
  const ranges = trainRanges.map(({ start, end }) => {
    // only the training bars are checked: the rest is none of the optimiser's business
    checkFinitePrices({ length: end - start, high: high.subarray(start, end), low: low.subarray(start, end), close: close.subarray(start, end) })
    longest = Math.max(longest, end - start)
    return { start, end, atr: wilderAtr(high.subarray(start, end), low.subarray(start, end), close.subarray(start, end), atrPeriod) }
  })
  return { high, low, close, ranges, cost: market.costTicks * market.tickSize, atrPeriod, timeoutLabel: market.timeoutLabel ?? 'zero', longest }
}

const LN3 = Math.log(3)

export function labelObjective(ctx: ObjectiveContext, c: LabelCandidate): ObjectiveStats {
  const { high, low, close, cost, atrPeriod } = ctx
  const H = c.horizon
  const sign = ctx.timeoutLabel === 'sign'
  let nDown = 0, nFlat = 0, nUp = 0
  let sumRet = 0
  let sumHold = 0
  for (const r of ctx.ranges) {
    const atr = r.atr
    const first = r.start + atrPeriod - 1
    const lastT = r.end - 1 - H
    for (let t = first; t <= lastT; t++) {
      const a = atr[t - r.start]
      const e = close[t]
      const upper = e + c.k_up * a + cost
      const lower = e - (c.k_down * a + cost)
      const hit = firstTouch(high, low, t, t + H, upper, lower)
      if (hit > 0) {
        nUp++; sumHold += hit; sumRet += (upper - e - cost) / e
      } else if (hit < 0) {
        nDown++; sumHold -= hit; sumRet += (e - lower - cost) / e
      } else {
        sumHold += H
        const lab = sign ? timeoutSign(close[t + H] - e, cost) : 0
        if (lab === 0) nFlat++
        else {
          if (lab > 0) nUp++
          else nDown++
          sumRet += (lab * (close[t + H] - e) - cost) / e
        }
      }
    }
  }
  const samples = nDown + nFlat + nUp
  if (samples === 0) return { objective: -Infinity, edgePerBar: NaN, balance: NaN, samples: 0, meanHold: NaN, meanNetFrac: NaN, counts: [0, 0, 0] }
  let ent = 0
  for (const k of [nDown, nFlat, nUp]) if (k > 0) ent -= (k / samples) * Math.log(k / samples)
  const balance = ent / LN3
  const edgePerBar = sumRet / sumHold
  return { objective: edgePerBar * balance, edgePerBar, balance, samples, meanHold: sumHold / samples, meanNetFrac: sumRet / samples, counts: [nDown, nFlat, nUp] }
}
