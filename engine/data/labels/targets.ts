import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'

/**
 * Regression targets for the E_r and q05/q50/q95 outputs.
 *
 * y_t = ln(close_{t+h} / close_t): the log return from the close of bar t (where a prediction made
 * at t could first be acted on) to the close h bars later. Rows with t + h > n − 1 have no target
 * (NaN) and labelEnd −1, which the splitter treats as unlabelled; every other row reads bars
 * t … t+h only, so labelEnd_t = t + h.
 */

function checkHorizon(h: number, n: number, path: string): void {
  if (!(Number.isInteger(h) && h >= 1)) {
    throw new FactoryError('E_PARAM', `${path} must be an integer ≥ 1 (bars ahead); got ${JSON.stringify(h)}`, { path, value: h, valid: ['1..' + Math.max(1, n - 1)] })
  }
}

/** Log prices need positive closes; a non-positive or non-finite one is an error, not a NaN target. */
function checkCloses(bars: Pick<Bars, 'length' | 'close' | 'line' | 'source'>): void {
  const c = bars.close
  for (let i = 0; i < bars.length; i++) {
    const v = c[i]
    if (!(v > 0 && v < Infinity)) {
      const line = bars.line?.[i]
      throw new FactoryError('E_VALIDATION', `${bars.source ?? 'bars'}${line !== undefined ? `:${line}` : ''} row ${i} column 'close' is ${v}; log-return targets need positive finite closes`, {
        ...(bars.source !== undefined ? { file: bars.source } : {}),
        ...(line !== undefined ? { line } : {}),
        column: 'close', value: v, row: i,
      })
    }
  }
}

/** y_t = ln(close_{t+h} / close_t); NaN where t + h is past the data. */
export function forwardReturn(bars: Pick<Bars, 'length' | 'close' | 'line' | 'source'>, h: number, path = 'targets.horizon'): Float64Array {
  const n = bars.length
  checkHorizon(h, n, path)
  checkCloses(bars)
  const c = bars.close
  const y = new Float64Array(n).fill(NaN)
  for (let t = 0; t + h < n; t++) y[t] = Math.log(c[t + h] / c[t])
  return y
}

/** t + h where the target exists, −1 elsewhere (the splitter's "unlabelled"). */
export function forwardLabelEnd(n: number, h: number): Int32Array {
  const e = new Int32Array(n).fill(-1)
  for (let t = 0; t + h < n; t++) e[t] = t + h
  return e
}

export const QUANTILE_LEVELS = [0.05, 0.5, 0.95] as const
export type QuantileLevel = (typeof QUANTILE_LEVELS)[number]

export interface QuantileTargets {
  /** the forward log return y_t, NaN where unavailable */
  target: Float64Array
  /** τ for the q05, q50 and q95 outputs, in that order */
  levels: readonly [0.05, 0.5, 0.95]
  /** output name for each level */
  outputs: readonly ['q05', 'q50', 'q95']
  labelEnd: Int32Array
  horizon: number
}

/**
 * Targets for the three quantile heads. All three regress the SAME y_t (forwardReturn); they differ
 * only in the pinball loss each is trained with, ρ_τ(u) = max(τ·u, (τ − 1)·u) with u = y − q̂, whose
 * minimiser is the τ-quantile of y given the features. One target keeps the heads comparable and
 * lets conformal calibration (CQR) widen q05/q95 around the same quantity.
 */
export function quantileTargets(bars: Pick<Bars, 'length' | 'close' | 'line' | 'source'>, h: number, path = 'targets.horizon'): QuantileTargets {
  return {
    target: forwardReturn(bars, h, path),
    levels: QUANTILE_LEVELS,
    outputs: ['q05', 'q50', 'q95'],
    labelEnd: forwardLabelEnd(bars.length, h),
    horizon: h,
  }
}
