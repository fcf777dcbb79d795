import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject } from '../../contracts/component.ts'
import { registerInference } from '../../registry/index.ts'
import { PlusConformal, plusResiduals } from './plus.ts'
import { COVERAGE_PARAM, INTERVAL_OUTPUTS, readOutcome } from './shared.ts'

/**
 * Jackknife+ (Barber, Candès, Ramdas & Tibshirani 2021, §3): CV+ with one model per left-out row,
 * K = n and k(i) = i, so no fold ids are read.
 *
 * fit:     x = (n, n), column k = prediction of the model trained without row k (only the diagonal
 *          x[i, i], the leave-one-out prediction, is read; see plus.ts); y.ret = realised outcome.
 * predict: x = (m, n), the n leave-one-out models' predictions at each test row.
 * The (n, n) fit input is what the fixed per-row width costs; jackknife+ needs n models anyway,
 * so it suits small calibration sets, and CV+ with K ≪ n is the scalable choice.
 */

const spec = {
  name: 'jackknife_plus',
  description: 'jackknife+ intervals from leave-one-out residuals and the n leave-one-out models’ predictions',
  category: 'conformal',
  inputs: ['E_r'],
  outputs: INTERVAL_OUTPUTS,
  requiresHoldout: false,
  defaults: defineParams({ coverage: COVERAGE_PARAM }),
} satisfies InferenceSpec

class JackknifePlus extends PlusConformal<typeof spec> {
  protected coverage(): number {
    return this.params.coverage
  }

  protected fitImpl(data: FitData): JsonObject {
    const [n, k] = data.x.shape
    if (k !== n)
      throw new FactoryError('E_SHAPE', `${this.label} takes x = (n, n): column k = the model trained without row k; got ${n} rows and ${k} columns (use cv_plus for K < n fold models)`, {
        path: 'x',
        value: [n, k],
        valid: [n, n],
      })
    const y = readOutcome(this.label, data)
    const fold = new Int32Array(n)
    for (let i = 0; i < n; i++) fold[i] = i
    this.fitState = { residual: plusResiduals(data.x, y, fold), fold }
    return { n }
  }
}

registerInference(spec, (params, opts) => new JackknifePlus('inference', spec, params, opts))
