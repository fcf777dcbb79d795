import { rocAuc } from './auc.ts'
import { accuracy, brierScore, logLoss } from './classification.ts'
import { ic, pearson } from './correlation.ts'
import { intervalCoverage, meanWidth, pinballLoss, winklerScore } from './quantiles.ts'
import { DEFAULT_BINS, ece } from './reliability.ts'
import { directionalAccuracy, mae, rmse } from './regression.ts'
import { checkLengths, checkPositiveInt } from './rows.ts'

export interface EvaluateOutputs {
  p_up?: Float64Array
  E_r?: Float64Array
  q05?: Float64Array
  q50?: Float64Array
  q95?: Float64Array
}

export interface EvaluateTargets {
  /** 1 when the triple-barrier label is +1, else 0 (engine/contracts/component.ts `Targets`) */
  label?: Float64Array
  /** forward net return over the label horizon */
  ret?: Float64Array
}

export interface EvaluateOptions {
  /** bins of both ECE variants (default 15) */
  bins?: number
}

/** Metric names evaluate() can return, as stored in the metrics table's `name` column. */
export const EVALUATE_METRIC_NAMES = [
  'n',
  'n_label',
  'auc',
  'accuracy',
  'log_loss',
  'brier',
  'ece',
  'ece_quantile',
  'n_ret',
  'mae',
  'rmse',
  'ic',
  'pearson',
  'directional_accuracy',
  'pinball_q05',
  'pinball_q50',
  'pinball_q95',
  'n_interval',
  'coverage_90',
  'width_90',
  'winkler_90',
] as const
export type EvaluateMetricName = (typeof EVALUATE_METRIC_NAMES)[number]

/**
 * Every metric that applies to the outputs and targets given, as one flat record:
 * - p_up + label → auc, accuracy, log_loss, brier, ece (equal-width), ece_quantile (equal-mass),
 *   n_label (rows where both are non-NaN);
 * - E_r + ret → mae, rmse, ic (Spearman), pearson, directional_accuracy, n_ret;
 * - q05/q50/q95 + ret → pinball_q05/q50/q95 each on its own;
 * - q05 + q95 + ret → coverage_90, width_90, winkler_90 (nominal 90% interval), n_interval;
 * - n → the number of rows passed in (all arrays must have that length).
 * Each metric skips the rows where its own inputs are NaN (see rows.ts), so a missing q05 on a
 * warm-up bar does not remove that bar from the AUC. Metrics whose inputs are absent are left
 * out of the record; an undefined metric (one class, constant forecast) is present as NaN.
 * Unweighted: evaluation on the test span scores every bar alike.
 */
export function evaluate(outputs: EvaluateOutputs, targets: EvaluateTargets, opts: EvaluateOptions = {}): Partial<Record<EvaluateMetricName, number>> {
  const fn = 'evaluate'
  const bins = opts.bins ?? DEFAULT_BINS
  checkPositiveInt(fn, 'bins', bins)
  const n = checkLengths(fn, { ...outputs, ...targets })
  const out: Partial<Record<EvaluateMetricName, number>> = { n }
  const { p_up, E_r, q05, q50, q95 } = outputs
  const { label, ret } = targets

  if (p_up !== undefined && label !== undefined) {
    const auc = rocAuc(p_up, label)
    out.n_label = auc.n
    out.auc = auc.value
    out.accuracy = accuracy(p_up, label).value
    out.log_loss = logLoss(p_up, label).value
    out.brier = brierScore(p_up, label).value
    out.ece = ece(p_up, label, { bins, strategy: 'uniform' }).value
    out.ece_quantile = ece(p_up, label, { bins, strategy: 'quantile' }).value
  }
  if (E_r !== undefined && ret !== undefined) {
    const m = mae(E_r, ret)
    out.n_ret = m.n
    out.mae = m.value
    out.rmse = rmse(E_r, ret).value
    out.ic = ic(E_r, ret).value
    out.pearson = pearson(E_r, ret).value
    out.directional_accuracy = directionalAccuracy(E_r, ret).value
  }
  if (ret !== undefined) {
    if (q05 !== undefined) out.pinball_q05 = pinballLoss(ret, q05, 0.05).value
    if (q50 !== undefined) out.pinball_q50 = pinballLoss(ret, q50, 0.5).value
    if (q95 !== undefined) out.pinball_q95 = pinballLoss(ret, q95, 0.95).value
    if (q05 !== undefined && q95 !== undefined) {
      const c = intervalCoverage(ret, q05, q95)
      out.n_interval = c.n
      out.coverage_90 = c.value
      out.width_90 = meanWidth(ret, q05, q95).value
      out.winkler_90 = winklerScore(ret, q05, q95, 0.1).value
    }
  }
  return out
}
