import { FactoryError } from '../../contracts/errors.ts'
import type { JsonObject, Outputs, ProgressInfo } from '../../contracts/component.ts'
import type { IndexRange } from '../../data/splits/spec.ts'
import { innerValidationSplit } from '../../data/splits/innerValidation.ts'
import type { ScalerParams } from '../../data/scaling/index.ts'
import type { FeatureMatrix } from '../../data/views/index.ts'
import { createModel } from '../../registry/index.ts'
import { buildInputs, gatherTargets, type ModelPlan } from './inputs.ts'
import { maskRanges, rangeIndices } from './rows.ts'

/** Held out of each fold's training rows for early stopping when splits has no such key. */
export const DEFAULT_INNER_VALIDATION_FRACTION = 0.15

export interface UnitInput {
  plan: ModelPlan
  /** fold number, or 'final' for the refit on the development region */
  fold: number | 'final'
  seed: number
  matrix: FeatureMatrix
  /** usable samples for this model (window-aware) */
  usable: Uint8Array
  train: readonly IndexRange[]
  test: readonly IndexRange[]
  labelEnd: Int32Array
  label01: Float64Array
  ret: Float64Array
  valFraction: number
  purge: number
  signal?: AbortSignal
  onProgress?: (phase: 'fit' | 'predict', p: ProgressInfo) => void
}

export interface UnitResult {
  /** bar index of each test prediction, ascending */
  testBars: Int32Array
  outputs: Outputs
  trainCount: number
  fitCount: number
  validCount: number
  scaler: ScalerParams | null
  fitSeconds: number
  info: JsonObject
}

/**
 * One model on one fold: rows → (inner validation split) → scaler on training rows → fit → predict
 * the test rows. Errors are re-thrown with the fold and model named, keeping their code.
 */
export async function runUnit(u: UnitInput): Promise<UnitResult> {
  const where = `${u.fold === 'final' ? 'final refit' : `fold ${u.fold}`}, model '${u.plan.id}'`
  try {
    const trainU = maskRanges(u.train, u.usable)
    if (trainU.count === 0) {
      throw new FactoryError('E_SPLIT', `no usable training rows among ${u.train.reduce((a, r) => a + r.end - r.start, 0)} training samples (features, labels or window warm-up invalid)`, { value: 0 })
    }
    let fitRows: Int32Array
    let validRows: Int32Array | null = null
    if (u.plan.earlyStopping) {
      const iv = innerValidationSplit(trainU.ranges, u.labelEnd, u.valFraction, u.purge)
      fitRows = rangeIndices(iv.fit)
      validRows = rangeIndices(iv.validation)
    } else fitRows = rangeIndices(trainU.ranges)
    const testRows = rangeIndices(maskRanges(u.test, u.usable).ranges)
    const inputs = buildInputs(u.matrix, u.plan, trainU.ranges, { fit: fitRows, valid: validRows, test: testRows })
    const model = createModel(u.plan.name, u.plan.params, { seed: u.seed, paramPath: `base_models[${u.plan.index}].params` })
    const report = await model.fit(
      {
        x: inputs.fit,
        y: gatherTargets(u.label01, u.ret, fitRows),
        names: inputs.names,
        ...(inputs.valid && validRows ? { valid: { x: inputs.valid, y: gatherTargets(u.label01, u.ret, validRows) } } : {}),
      },
      { ...(u.signal ? { signal: u.signal } : {}), onProgress: (p) => u.onProgress?.('fit', p) },
    )
    let outputs: Outputs = {}
    if (testRows.length > 0) outputs = await model.predict(inputs.test, { ...(u.signal ? { signal: u.signal } : {}), onProgress: (p) => u.onProgress?.('predict', p) })
    else for (const o of u.plan.outputs) outputs[o] = new Float64Array(0)
    return {
      testBars: testRows,
      outputs,
      trainCount: trainU.count,
      fitCount: fitRows.length,
      validCount: validRows?.length ?? 0,
      scaler: inputs.scaler,
      fitSeconds: report.seconds,
      info: report.info,
    }
  } catch (e) {
    if (e instanceof FactoryError) throw new FactoryError(e.code, e.code === 'E_CANCELLED' ? e.message : `${where}: ${e.message}`, { ...e.details, fold: u.fold, model: u.plan.id })
    throw new FactoryError('E_INTERNAL', `${where}: ${(e as Error)?.message ?? String(e)}`, { fold: u.fold, model: u.plan.id, value: (e as Error)?.name })
  }
}
