import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject } from '../../contracts/component.ts'
import { registerInference } from '../../registry/index.ts'
import { PlusConformal, plusResiduals } from './plus.ts'
import { COVERAGE_PARAM, INTERVAL_OUTPUTS, readOutcome } from './shared.ts'

/**
 * CV+ (Barber, Candès, Ramdas & Tibshirani 2021, §4) over the pipeline's K fold models.
 *
 * fit:     x = (n, K), column k = prediction of the model trained without fold k (only the
 *          out-of-fold entry x[i, k(i)] is read, see plus.ts); y.fold = k(i) ∈ {0, …, K−1}, an
 *          integer per row, every fold present; y.ret = realised outcome.
 * predict: x = (m, K), the K fold models' predictions at each test row.
 * Needs no separate holdout: every row's residual is out-of-fold.
 */

const spec = {
  name: 'cv_plus',
  description: 'CV+ intervals from out-of-fold residuals and the K fold models’ predictions',
  category: 'conformal',
  inputs: ['E_r'],
  outputs: INTERVAL_OUTPUTS,
  requiresHoldout: false,
  defaults: defineParams({ coverage: COVERAGE_PARAM }),
} satisfies InferenceSpec

/** y.fold as integer ids in [0, k), each present at least once. */
export function readFolds(label: string, data: FitData, k: number): Int32Array {
  const f = data.y?.fold
  if (!f)
    throw new FactoryError('E_CONFIG', `${label} needs y.fold: the fold id k(i) ∈ {0, …, ${k - 1}} whose model did not train on row i; got targets: ${Object.keys(data.y ?? {}).join(', ') || '(none)'}`, {
      path: 'y.fold',
      valid: ['fold'],
    })
  const out = new Int32Array(f.length)
  const seen = new Uint8Array(k)
  for (let i = 0; i < f.length; i++) {
    const v = f[i]
    if (!Number.isInteger(v) || v < 0 || v >= k)
      throw new FactoryError('E_VALIDATION', `${label}: y.fold is ${v} at row ${i}; fold ids must be integers 0 … ${k - 1} (x has one column per fold model)`, {
        path: 'y.fold',
        row: i,
        value: v,
        valid: [0, k - 1],
      })
    out[i] = v
    seen[v] = 1
  }
  const missing = [...seen.keys()].filter((j) => !seen[j])
  if (missing.length)
    throw new FactoryError('E_VALIDATION', `${label}: x has ${k} fold-model columns but y.fold never names fold(s) ${missing.join(', ')}; column k must be the model trained without fold k, and every fold needs its out-of-fold rows`, {
      path: 'y.fold',
      value: missing,
      valid: [0, k - 1],
    })
  return out
}

class CvPlus extends PlusConformal<typeof spec> {
  protected coverage(): number {
    return this.params.coverage
  }

  protected fitImpl(data: FitData): JsonObject {
    const [n, k] = data.x.shape
    const y = readOutcome(this.label, data)
    const fold = readFolds(this.label, data, k)
    this.fitState = { residual: plusResiduals(data.x, y, fold), fold }
    return { n, folds: k }
  }
}

registerInference(spec, (params, opts) => new CvPlus('inference', spec, params, opts))
