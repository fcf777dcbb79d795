// The labels and targets stage: triple-barrier labels with costs, forward-return targets, the
// `labels:` config and the training-only label-parameter optimiser.
export { tripleBarrierLabels, priceToMoney, firstTouch, timeoutSign, TIMEOUT_LABELS } from './tripleBarrier.ts'
export type { BarrierSpec, TimeoutLabel, TripleBarrierLabels } from './tripleBarrier.ts'
export { forwardReturn, forwardLabelEnd, quantileTargets, QUANTILE_LEVELS } from './targets.ts'
export type { QuantileTargets, QuantileLevel } from './targets.ts'
export { validateLabelConfig, LABEL_DEFAULTS, LABEL_OPTIMISE_DEFAULTS } from './labelConfig.ts'
export type { LabelConfig, LabelOptimiseConfig, LabelSearchBounds, GaConfig } from './labelConfig.ts'
export { labelObjective, prepareObjective } from './labelObjective.ts'
export type { LabelCandidate, ObjectiveMarket, ObjectiveStats, TrainRange } from './labelObjective.ts'
export { optimiseLabelParams } from './labelOptimiser.ts'
export type { GenerationRecord, LabelOptimiseResult, LabelOptimiseProgress } from './labelOptimiser.ts'
