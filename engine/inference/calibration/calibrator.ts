import { FactoryError } from '../../contracts/errors.ts'
import type { FitData, JsonObject, Outputs, Tensor } from '../../contracts/component.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { RunContext } from '../../registry/component.ts'

/**
 * What every calibrator shares: it reads one column of uncalibrated p_up (x of shape (n, 1), as
 * the runner hands out out-of-fold predictions), the label y.label ∈ {0, 1} and optional weights,
 * and returns the calibrated p_up. The checks live here once, so a calibrator file writes only
 * its fitMap / applyMap (and state), like a model writes fitImpl / predictImpl.
 *
 * BaseComponent already rejects NaN/±Inf, bad shapes, unfitted use and cancelled calls; this adds
 * the calibration-specific rules: exactly one column, p in [0, 1], labels 0/1, weights ≥ 0 with a
 * positive total.
 */

/** The spec fields every calibrator has; a calibrator file adds name, description and defaults. */
export const CALIBRATION_SPEC = {
  category: 'calibration',
  inputs: ['p_up'],
  outputs: ['p_up'],
  // fitted on out-of-fold predictions, which are already held out from each model's training
  requiresHoldout: false,
} as const satisfies Pick<InferenceSpec, 'category' | 'inputs' | 'outputs' | 'requiresHoldout'>

export interface CalibrationData {
  /** uncalibrated p_up in [0, 1] (not yet clipped: each map clips where it takes logs) */
  p: Float64Array
  /** 0/1 */
  y: Float64Array
  /** per-row weights ≥ 0, or undefined for all ones */
  w: Float64Array | undefined
}

export abstract class Calibrator<S extends InferenceSpec> extends BaseComponent<S> {
  /** Fit the map on (p, y, w); return what the fit report should show (fitted parameters, iterations). */
  protected abstract fitMap(data: CalibrationData, ctx: RunContext): JsonObject
  /** The calibrated p for each p (already checked to lie in [0, 1]). */
  protected abstract applyMap(p: Float64Array): Float64Array

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const p = this.probabilities(data.x, 'fit', data.names)
    const n = p.length
    const y = data.y?.label
    if (!y)
      throw new FactoryError('E_CONFIG', `${this.label} fits against y.label (1 = triple-barrier +1, else 0); got targets: ${Object.keys(data.y ?? {}).join(', ') || '(none)'}`, {
        path: 'y.label',
        valid: ['label'],
      })
    for (let i = 0; i < n; i++)
      if (y[i] !== 0 && y[i] !== 1) throw new FactoryError('E_VALIDATION', `${this.label}: y.label is ${y[i]} at row ${i}; it must be 0 or 1`, { path: 'y.label', row: i, value: y[i], valid: [0, 1] })
    const w = data.weight
    if (w) {
      let total = 0
      for (let i = 0; i < n; i++) {
        if (w[i] < 0) throw new FactoryError('E_VALIDATION', `${this.label}: weight is ${w[i]} at row ${i}; sample weights must be ≥ 0`, { path: 'weight', row: i, value: w[i], valid: ['≥ 0'] })
        total += w[i]
      }
      if (!(total > 0)) throw new FactoryError('E_VALIDATION', `${this.label}: every sample weight is 0; at least one row must count`, { path: 'weight', value: total, valid: ['> 0'] })
    }
    ctx.progress(0.05, { message: 'inputs checked' })
    // copies: a caller mutating its arrays after fit (or a view over a larger buffer) must not reach the map
    const info = this.fitMap({ p: p.slice(), y: Float64Array.from(y), w: w ? Float64Array.from(w) : undefined }, ctx)
    // a fit cancelled after its last progress report is still cancelled: its map is not installed
    ctx.throwIfAborted()
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    return { p_up: this.applyMap(this.probabilities(x, 'predict')) } as Outputs
  }

  /** The single p_up column as Float64Array, refusing other widths and values outside [0, 1]. */
  private probabilities(x: Tensor, action: string, names?: readonly string[]): Float64Array {
    const width = x.shape[1]
    if (width !== 1)
      throw new FactoryError('E_SHAPE', `${this.label} ${action}: x has ${width} columns${names ? ` (${names.join(', ')})` : ''}; a calibrator takes exactly one, the uncalibrated p_up`, {
        path: 'x',
        value: [...x.shape],
        valid: [1],
      })
    const p = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data)
    for (let i = 0; i < p.length; i++)
      if (!(p[i] >= 0 && p[i] <= 1))
        throw new FactoryError('E_VALIDATION', `${this.label} ${action}: p_up is ${p[i]} at row ${i}; a probability must lie in [0, 1]`, { path: 'x', row: i, column: 'p_up', value: p[i], valid: ['[0, 1]'] })
    return p
  }
}

/** Weight of row i (1 when unweighted). */
export const weightAt = (w: Float64Array | undefined, i: number): number => (w ? w[i] : 1)
