import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { wilderAtr } from '../features/atr.ts'

/**
 * THE TRIPLE-BARRIER RULES (DESIGN.md "Triple-barrier labels with costs"), stated once here;
 * tripleBarrierLabels implements them and scripts/fixtures/labels_reference.py re-implements them
 * independently. Change a rule here first, then both, then regenerate the fixture.
 *
 * Notation. n bars, H = horizon ≥ 1, c = cost_ticks · tick_size (round-trip cost in price),
 * A_t = Wilder ATR(atr_period) at t (engine/data/features/atr.ts; causal, NaN while warming up).
 *
 * 1. Entry e = close_t. Barriers: U = e + k_up·A_t + c (computed as (e + k_up·A_t) + c),
 *    L = e − (k_down·A_t + c). A win in either direction must clear the round-trip cost.
 * 2. Bars t+1 … t+H are scanned in order. Bar i touches the lower barrier if low_i ≤ L and the
 *    upper if high_i ≥ U (touching counts, equality included). The first touching bar decides;
 *    a bar touching both counts as LOWER first (we cannot see the order inside a bar, so the
 *    conservative reading for a long is taken).
 * 3. Upper first → label +1, lower first → label −1; touchOffset = i − t ∈ 1..H.
 *    The labelled trade is long for +1 and short for −1, filled at the barrier price (a gap beyond
 *    the barrier is not credited — conservative): netReturn = label·(barrier − e) − c, which is
 *    k_up·A_t for +1 and k_down·A_t for −1 up to rounding.
 * 4. No touch in t+1 … t+H (timeout, needs t+H ≤ n−1): touchOffset = H, g = close_{t+H} − e.
 *    timeout_label 'zero': label 0 (flat), netReturn 0.
 *    timeout_label 'sign': the sign of the cost-adjusted move, i.e. the trade at the horizon
 *    close that would have made money: label +1 if g > c, −1 if g < −c, else 0 (|g| ≤ c: neither
 *    direction clears the cost). netReturn = label·g − |label|·c (= |g| − c, or 0 when flat).
 *    In price-axis terms this is close_{t+H} − e − c·sign(g) whenever |g| > c.
 * 5. Validity. valid_t = 1 iff A_t is finite AND (a barrier was touched within the bars that
 *    exist, or t+H ≤ n−1). A touch at offset j < H is final: no later bar can change it, and it
 *    read only bars ≤ t+j ≤ t+H. An untouched row whose window runs past the data is NOT valid
 *    (its label could still change). Invalid rows: label 0, touchOffset 0, labelEnd −1 (the
 *    splitter's "unlabelled" marker), netReturn NaN, netReturnFrac NaN.
 * 6. labelEnd_t = t + touchOffset_t for valid rows: the last bar the label read; the splitter
 *    purges with it. netReturnFrac = netReturn / e.
 *
 * Leakage: the label at t reads bars ≤ t (ATR, entry) and t+1 … t+touchOffset ≤ t+H only.
 */

export type TimeoutLabel = 'zero' | 'sign'
export const TIMEOUT_LABELS: readonly TimeoutLabel[] = ['zero', 'sign']

/** The barrier settings (the `labels:` block of the config minus its optimiser). */
export interface BarrierSpec {
  k_up: number
  k_down: number
  /** H, bars */
  horizon: number
  atr_period: number
  timeout_label: TimeoutLabel
  /** round-trip cost in ticks */
  cost_ticks: number
}

export interface TripleBarrierLabels {
  /** +1 upper first, −1 lower first (or tie), 0 timeout/flat or invalid */
  label: Int8Array
  /** 1 where the label is final and its ATR defined */
  valid: Uint8Array
  /** 1..H bars from entry to the deciding bar (H on timeout); 0 on invalid rows */
  touchOffset: Int32Array
  /** t + touchOffset on valid rows, −1 on invalid rows */
  labelEnd: Int32Array
  /** net P&L of the labelled trade in price units (NaN on invalid rows) */
  netReturn: Float64Array
  /** netReturn / entry price */
  netReturnFrac: Float64Array
}

/**
 * First bar in t+1 … min(t+H, n−1) that touches a barrier: +offset for the upper, −offset for the
 * lower (ties go lower), 0 when none does. Shared by the labeller and the optimiser's objective so
 * both read exactly the same bars.
 */
export function firstTouch(high: Float64Array, low: Float64Array, t: number, last: number, upper: number, lower: number): number {
  for (let i = t + 1; i <= last; i++) {
    if (low[i] <= lower) return t - i
    if (high[i] >= upper) return i - t
  }
  return 0
}

/** Rule 4 'sign': +1 / −1 when the horizon move clears the cost, else 0. */
export function timeoutSign(move: number, cost: number): -1 | 0 | 1 {
  return move > cost ? 1 : move < -cost ? -1 : 0
}

/** Money value of a price difference: one tick of price is worth tick_value. */
export function priceToMoney(dPrice: number, tickSize: number, tickValue: number): number {
  return (dPrice / tickSize) * tickValue
}

/** Throws E_PARAM for a spec a caller built by hand (the config path validates the same ranges). */
export function checkBarrierSpec(s: BarrierSpec, tickSize: number, path = 'labels'): void {
  const bad = (field: string, value: unknown, valid: string): never => {
    throw new FactoryError('E_PARAM', `${path}.${field} must be ${valid}; got ${JSON.stringify(value)}`, { path: `${path}.${field}`, value, valid: [valid] })
  }
  if (!(Number.isFinite(s.k_up) && s.k_up >= 0)) bad('k_up', s.k_up, 'a finite number ≥ 0')
  if (!(Number.isFinite(s.k_down) && s.k_down >= 0)) bad('k_down', s.k_down, 'a finite number ≥ 0')
  if (!(Number.isInteger(s.horizon) && s.horizon >= 1)) bad('horizon', s.horizon, 'an integer ≥ 1')
  if (!(Number.isInteger(s.atr_period) && s.atr_period >= 1)) bad('atr_period', s.atr_period, 'an integer ≥ 1')
  if (!TIMEOUT_LABELS.includes(s.timeout_label)) bad('timeout_label', s.timeout_label, TIMEOUT_LABELS.join(' or '))
  if (!(Number.isFinite(s.cost_ticks) && s.cost_ticks >= 0)) bad('cost_ticks', s.cost_ticks, 'a finite number ≥ 0')
  if (!(Number.isFinite(tickSize) && tickSize > 0)) bad('tick_size', tickSize, 'a finite number > 0')
}

/** Non-finite prices would silently never touch a barrier; refuse them instead (no silent repair). */
export function checkFinitePrices(bars: Pick<Bars, 'length' | 'high' | 'low' | 'close' | 'line' | 'source'>): void {
  const cols = [['high', bars.high], ['low', bars.low], ['close', bars.close]] as const
  for (const [name, col] of cols) {
    for (let i = 0; i < bars.length; i++) {
      const v = col[i]
      if (v - v !== 0) {
        const line = bars.line?.[i]
        throw new FactoryError('E_NAN_INPUT', `${bars.source ?? 'bars'}${line !== undefined ? `:${line}` : ''} row ${i} column '${name}' is ${v}; labels need finite prices`, {
          ...(bars.source !== undefined ? { file: bars.source } : {}),
          ...(line !== undefined ? { line } : {}),
          column: name, value: v, row: i,
        })
      }
    }
  }
}

/**
 * Triple-barrier labels for every bar (rules above). `atr` may be passed when the caller already
 * holds Wilder ATR of the same period over the same bars; it is computed otherwise.
 * One pass with an early exit per bar: O(n · mean holding time), O(n · H) when nothing touches.
 */
export function tripleBarrierLabels(
  bars: Pick<Bars, 'length' | 'high' | 'low' | 'close' | 'line' | 'source'>,
  spec: BarrierSpec,
  tickSize: number,
  atr?: Float64Array,
): TripleBarrierLabels {
  checkBarrierSpec(spec, tickSize)
  checkFinitePrices(bars)
  const n = bars.length
  const { high, low, close } = bars
  const a = atr ?? wilderAtr(high, low, close, spec.atr_period)
  if (a.length !== n) throw new FactoryError('E_SHAPE', `atr has ${a.length} rows but bars have ${n}`, { value: a.length, valid: [n] })
  const H = spec.horizon
  const kUp = spec.k_up
  const kDown = spec.k_down
  const cost = spec.cost_ticks * tickSize
  const sign = spec.timeout_label === 'sign'
  const label = new Int8Array(n)
  const valid = new Uint8Array(n)
  const touchOffset = new Int32Array(n)
  const labelEnd = new Int32Array(n).fill(-1)
  const netReturn = new Float64Array(n).fill(NaN)
  const netReturnFrac = new Float64Array(n).fill(NaN)
  for (let t = 0; t < n; t++) {
    const at = a[t]
    if (at !== at) continue
    const e = close[t]
    const upper = e + kUp * at + cost
    const lower = e - (kDown * at + cost)
    const last = t + H < n ? t + H : n - 1
    const hit = firstTouch(high, low, t, last, upper, lower)
    let lab: number
    let off: number
    let net: number
    if (hit > 0) {
      lab = 1; off = hit; net = upper - e - cost
    } else if (hit < 0) {
      lab = -1; off = -hit; net = e - lower - cost
    } else if (t + H < n) {
      off = H
      if (sign) {
        const g = close[t + H] - e
        lab = timeoutSign(g, cost)
        net = lab === 0 ? 0 : lab * g - cost
      } else {
        lab = 0; net = 0
      }
    } else continue
    label[t] = lab
    valid[t] = 1
    touchOffset[t] = off
    labelEnd[t] = t + off
    netReturn[t] = net
    netReturnFrac[t] = net / e
  }
  return { label, valid, touchOffset, labelEnd, netReturn, netReturnFrac }
}
