import { lineOf, type CheckContext } from './context.ts'
import { showNumber } from './findings.ts'

export interface JumpOptions {
  /** flag when a bar's move exceeds threshold × the recent median move; default 150 (see below) */
  threshold: number
  /** trailing non-zero moves the median is taken over; default 512 */
  window: number
  /** the median is refreshed every `refresh` moves (keeps the check O(n)); default 256 */
  refresh: number
  /** no flags until this many moves have been seen; default 64 */
  minObs: number
}

/**
 * Default threshold 150, measured on the five real 1-minute sample files: their largest genuine
 * moves are 40–90× the median (BTC's 2024-12-05 dip to 90,500 at −5 % in a minute is ~78×, the
 * 6E/ES/GC news bars stay under 75×); at 25× BTC alone has 97 flags, all real market moves. A data
 * error worth stopping for is far larger: a decimal shift (×10) is a log move of 2.3, thousands of
 * times a 1-minute median of ~5e-4.
 */
export const DEFAULT_JUMP: JumpOptions = { threshold: 150, window: 512, refresh: 256, minObs: 64 }

/** k-th smallest of a[0, n) in place (Hoare quickselect). */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        const t = a[i]
        a[i] = a[j]
        a[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k]
  }
  return a[k]
}

/**
 * outsized_jump: a bar whose largest log move from the previous kept close — to its high, its low or
 * its close, so a bad tick that shows only in the high is caught — exceeds `threshold` times a
 * robust scale of recent moves of the same kind.
 *
 * The scale is the median of the trailing `window` non-zero moves, floored at a quarter of a slow
 * median (every 16th move over the last 16 × window) and at one tick. The slow floor matters in
 * dead markets: BTC sat within one tick for hours on 2025-06-28, the fast median fell to 1e-7 and
 * an ordinary $12 move read as 1,200×. It is causal:
 * it comes from bars strictly before the current one, and a bar dropped as a jump never enters it.
 * Zero moves are left out because on quiet futures many 1-minute bars do not trade away from the
 * previous close and the plain median could be 0. A move across a time gap of Δ bars is divided by
 * √Δ (random-walk scaling) before it is compared or stored, so a Monday open is judged against what
 * a weekend of drift allows. Refreshing the median every `refresh` moves keeps the cost
 * O(n · window / refresh); instead of a log per price, the threshold is turned into price bounds.
 */
export function runJumps(c: CheckContext, order: Int32Array, o: JumpOptions): void {
  const { bars: b, keep, file, barMs, tickSize } = c
  const log = c.logs.outsized_jump
  const drop = c.policies.outsized_jump === 'drop'
  // Rings hold price ratios max(hi/pc, pc/lo) ≥ 1 rather than log moves: log is monotone, so the
  // median ratio gives the same scale and the hot loop needs no transcendental call.
  const ring = new Float64Array(o.window)
  const slowRing = new Float64Array(o.window)
  const scratch = new Float64Array(o.window)
  const SLOW_EVERY = 16
  let filled = 0
  let head = 0
  let slowFilled = 0
  let slowHead = 0
  let added = 0
  let sinceRefresh = 0
  let refreshes = 0
  let fastScale = 0
  let slowScale = 0
  let lastPc = NaN
  let s = NaN
  let upFactor = Infinity
  let prev = -1
  const { ts, high, low, close } = b
  const refreshBounds = (pc: number) => {
    const floor = tickSize !== null ? tickSize / pc : 0
    s = Math.max(fastScale, slowScale / 4, floor)
    upFactor = Math.exp(o.threshold * s)
    lastPc = pc
  }
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    if (!keep[i]) continue
    const cl = close[i]
    const h = high[i]
    const l = low[i]
    // NaN or non-positive rows kept under warn carry no usable price
    if (!(cl > 0 && h > 0 && l > 0) || cl === Infinity || h === Infinity) continue
    if (prev < 0) {
      prev = i
      continue
    }
    const pc = close[prev]
    const steps = (ts[i] - ts[prev]) / barMs
    const hi = h > cl ? h : cl
    const lo = l < cl ? l : cl
    const up = hi / pc
    const down = pc / lo
    let ratio = up > down ? up : down
    if (steps > 1) ratio = Math.pow(ratio, 1 / Math.sqrt(steps))
    if (filled >= o.minObs) {
      // the one-tick floor depends on price; re-derive the bound when price drifts by 1 %
      if (!(Math.abs(pc - lastPc) < 0.01 * lastPc)) refreshBounds(pc)
      if (ratio > upFactor) {
        if (log.hit()) {
          const m = Math.log(up > down ? up : down)
          const x = up > down ? hi : lo
          const col = x === cl ? 'close' : up > down ? 'high' : 'low'
          const allowance = steps > 1 ? Math.sqrt(steps) : 1
          log.keep({
            file,
            line: lineOf(c, i),
            column: col,
            value: showNumber(x),
            message: `value '${showNumber(x)}' moves ${(m * 100).toFixed(3)}% (log) from the previous close ${showNumber(pc)} on line ${lineOf(c, prev)}: ${(m / allowance / s).toFixed(1)}× the recent median move ${s.toExponential(2)}${allowance > 1 ? ` (scaled by √${steps.toFixed(0)} for the time gap)` : ''}; threshold ${o.threshold}×`,
          })
        }
        if (drop) {
          keep[i] = 0
          continue
        }
      }
    }
    if (ratio > 1 && ratio < Infinity) {
      ring[head] = ratio
      head = head + 1 === o.window ? 0 : head + 1
      if (filled < o.window) filled++
      if (++added % SLOW_EVERY === 0) {
        slowRing[slowHead] = ratio
        slowHead = slowHead + 1 === o.window ? 0 : slowHead + 1
        if (slowFilled < o.window) slowFilled++
      }
      if (++sinceRefresh >= o.refresh || filled === o.minObs) {
        sinceRefresh = 0
        scratch.set(ring.subarray(0, filled))
        fastScale = Math.log(select(scratch, filled, filled >> 1))
        // the slow ring turns over 16× slower, so it is re-ranked 8× less often
        if (slowFilled > 0 && refreshes++ % 8 === 0) {
          scratch.set(slowRing.subarray(0, slowFilled))
          slowScale = Math.log(select(scratch, slowFilled, slowFilled >> 1))
        }
        refreshBounds(close[i])
      }
    }
    prev = i
  }
}
