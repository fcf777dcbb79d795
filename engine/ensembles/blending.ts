import { FactoryError } from '../contracts/errors.ts'
import { defineParams } from '../contracts/params.ts'
import type { EnsembleSpec } from '../contracts/specs.ts'
import { innerValidationSplit } from '../data/splits/index.ts'
import type { IndexRange } from '../data/splits/index.ts'
import { registerEnsemble } from '../registry/index.ts'
import { META_PARAMS, MetaEnsemble } from './metaEnsemble.ts'

/**
 * Blending: the same meta-learners as stacking, fitted on ONE holdout span instead of walk-forward
 * OOF predictions — cheaper (one extra fit per member instead of K) and usable with any split
 * method, at the price of fitting the combination on fewer rows.
 *
 * The holdout is the last `holdout_fraction` of the development region's training samples, and
 * the members' fit rows before it are purged against it exactly like an inner validation split
 * (splits/spec.ts rule 7: i ≥ v − purge or labelEnd[i] ≥ v is dropped): `blendingSplit` returns
 * both. The runner then
 *   1. fits every member on `fit`, predicts `holdout` (out of sample for every member);
 *   2. fits this component on those holdout predictions (x = member outputs, y = labels/returns);
 *   3. predicts the final test span from the members' final-refit predictions.
 * The component itself fits on every row it is given: which rows is the runner's choice, made
 * with blendingSplit, so the same rule is testable without a runner.
 */

const spec = {
  name: 'blending',
  description: 'meta-learner fitted on member predictions over a purged holdout span (the last holdout_fraction of development)',
  method: 'blending',
  metaLearner: 'logistic',
  requiresOof: false,
  supportsHeterogeneous: true,
  inputs: ['p_up'],
  outputs: ['p_up', 'E_r'],
  defaults: defineParams({
    holdout_fraction: { type: 'number', default: 0.2, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, description: 'share of the development training samples (the most recent) held out for the meta-learner' },
    ...META_PARAMS,
  }),
} satisfies EnsembleSpec

export interface BlendingSplit {
  /** samples the members are fitted on (purged against the holdout) */
  fit: IndexRange[]
  fitCount: number
  /** samples whose member predictions train the meta-learner */
  holdout: IndexRange[]
  holdoutCount: number
  purged: number
}

/**
 * Rows for blending over development training samples `trainRanges` (ascending bar ranges, e.g. the
 * final refit's training ranges): the last floor(M · holdoutFraction) samples are the holdout, and
 * earlier samples within `purge` bars of it or whose label reaches it are dropped.
 */
export function blendingSplit(trainRanges: readonly IndexRange[], labelEnd: Int32Array, holdoutFraction: number, purge: number): BlendingSplit {
  if (!(holdoutFraction > 0 && holdoutFraction < 1))
    throw new FactoryError('E_PARAM', `blending holdout_fraction must be in (0, 1); got ${holdoutFraction}`, { path: 'ensemble.params.holdout_fraction', value: holdoutFraction, valid: ['0 < value < 1'] })
  try {
    const s = innerValidationSplit(trainRanges, labelEnd, holdoutFraction, purge)
    return { fit: s.fit, fitCount: s.fitCount, holdout: s.validation, holdoutCount: s.validationCount, purged: s.purged }
  } catch (e) {
    if (e instanceof FactoryError)
      throw new FactoryError(e.code, `blending holdout: ${e.message.replace(/val_fraction/g, 'holdout_fraction')}`, { ...e.details, path: 'ensemble.params.holdout_fraction' })
    throw e
  }
}

registerEnsemble(spec, (params, opts) => new MetaEnsemble(spec, params, opts))
