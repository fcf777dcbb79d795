import { FactoryError } from '../../contracts/errors.ts'
import type { IndexRange } from './spec.ts'
import { RangeBuilder, rangesLength } from './ranges.ts'
import { checkInt } from './resolve.ts'

export interface InnerValidationSplit {
  /** training samples the model is fitted on */
  fit: IndexRange[]
  fitCount: number
  /** the last training samples, held out for early stopping */
  validation: IndexRange[]
  validationCount: number
  /** fit candidates dropped for reaching the validation span (fixed purge zone or label window) */
  purged: number
}

/**
 * Spec rule 7: early stopping inside a fold watches the most recent slice of its training data,
 * which is the slice most like the test span; the fit part is purged against it the same way a
 * fold's training is purged against its test span, or early stopping would reward leakage.
 * No embargo: nothing of the fit part follows the validation span.
 */
export function innerValidationSplit(
  trainRanges: readonly IndexRange[],
  labelEnd: Int32Array,
  valFraction: number,
  purge: number,
): InnerValidationSplit {
  if (typeof valFraction !== 'number' || !(valFraction > 0 && valFraction < 1)) {
    throw new FactoryError('E_PARAM', `validation fraction must be a number in (0, 1); got ${JSON.stringify(valFraction)}`, {
      path: 'training.val_fraction',
      value: valFraction,
    })
  }
  checkInt('purge', purge, 0)
  const M = rangesLength(trainRanges)
  const V = Math.floor(M * valFraction)
  if (V < 1 || V >= M) {
    throw new FactoryError('E_SPLIT', `val_fraction ${valFraction} of ${M} training samples gives ${V} validation samples; need 1 … ${M - 1}`, {
      path: 'training.val_fraction',
      value: valFraction,
    })
  }
  // Walk back from the newest range until V samples are taken; the cut may fall inside a range.
  const validation: IndexRange[] = []
  let left = V
  let r = trainRanges.length - 1
  for (; left > 0; r--) {
    const { start, end } = trainRanges[r]
    const take = Math.min(left, end - start)
    validation.unshift({ start: end - take, end })
    left -= take
    if (take < end - start) break
  }
  const v = validation[0].start
  const fit = new RangeBuilder()
  let purged = 0
  const zone = v - purge
  for (const tr of trainRanges) {
    const end = Math.min(tr.end, v)
    for (let i = tr.start; i < end; i++) {
      if (i >= zone || labelEnd[i] >= v) purged++
      else fit.push(i)
    }
    if (tr.end >= v) break
  }
  if (fit.count < 1) {
    throw new FactoryError(
      'E_SPLIT',
      `inner validation from index ${v} (val_fraction ${valFraction}, purge ${purge}) leaves no fit samples of ${M - V} (purged ${purged}); lower val_fraction or purge`,
      { path: 'training.val_fraction', value: valFraction },
    )
  }
  return { fit: fit.ranges, fitCount: fit.count, validation, validationCount: V, purged }
}
