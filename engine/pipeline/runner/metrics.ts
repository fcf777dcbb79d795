import type { Outputs } from '../../contracts/component.ts'
import { shimEvaluate, type MetricValue } from './metricsShim.ts'

export type { MetricValue }

/**
 * How the runner scores predictions: outputs (each of length m, aligned with the targets) against
 * y.label (1 iff the triple-barrier label is +1) and y.ret (forward log return over the horizon).
 */
export type EvaluateFn = (outputs: Outputs, targets: { label: Float64Array; ret: Float64Array }) => MetricValue[]

export const defaultEvaluate: EvaluateFn = shimEvaluate
