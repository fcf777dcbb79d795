import type { Outputs } from '../../contracts/component.ts'
import { evaluate, type EvaluateMetricName } from '../../inference/metrics/index.ts'

export interface MetricValue {
  /** the output the metric scores; 'q05_q95' for interval metrics that need both */
  output: string
  name: string
  value: number
}

/**
 * How the runner scores predictions: outputs (each of length m, aligned with the targets) against
 * y.label (1 iff the triple-barrier label is +1) and y.ret (forward log return over the horizon).
 */
export type EvaluateFn = (outputs: Outputs, targets: { label: Float64Array; ret: Float64Array }) => MetricValue[]

/** Which output each metric of the library's flat record belongs to (null: the row count, kept by the runner itself). */
const OUTPUT_OF: Record<EvaluateMetricName, string | null> = {
  n: null,
  n_label: 'p_up', auc: 'p_up', accuracy: 'p_up', log_loss: 'p_up', brier: 'p_up', ece: 'p_up', ece_quantile: 'p_up',
  n_ret: 'E_r', mae: 'E_r', rmse: 'E_r', ic: 'E_r', pearson: 'E_r', directional_accuracy: 'E_r',
  pinball_q05: 'q05', pinball_q50: 'q50', pinball_q95: 'q95',
  n_interval: 'q05_q95', coverage_90: 'q05_q95', width_90: 'q05_q95', winkler_90: 'q05_q95',
}

/** engine/inference/metrics `evaluate`, split into one record per (output, metric). */
export const defaultEvaluate: EvaluateFn = (outputs, targets) => {
  const out: MetricValue[] = []
  for (const [name, value] of Object.entries(evaluate(outputs, targets)) as [EvaluateMetricName, number][]) {
    const output = OUTPUT_OF[name]
    if (output !== null) out.push({ output, name, value })
  }
  return out
}
