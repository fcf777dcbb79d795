/**
 * Evaluation metrics over Float64Array columns. Argument order: classification (p, y),
 * regression (pred, actual), quantiles (y, q | lo, hi). Every function skips rows where one of
 * its inputs is NaN and returns { value, n } with the rows used (rows.ts states the rule).
 */
export type { MetricResult, WeightOption } from './rows.ts'
export { argsort, averageRanks, sortRows, type SortedRows } from './argsort.ts'
export { rocAuc } from './auc.ts'
export { accuracy, brierScore, logLoss, LOG_LOSS_EPS, type AccuracyOptions } from './classification.ts'
export { ece, reliabilityBins, BIN_STRATEGIES, DEFAULT_BINS, type BinOptions, type BinStrategy, type ReliabilityBin, type ReliabilityResult } from './reliability.ts'
export { directionalAccuracy, mae, rmse } from './regression.ts'
export { ic, pearson } from './correlation.ts'
export { intervalCoverage, meanWidth, pinballLoss, winklerScore } from './quantiles.ts'
export { evaluate, EVALUATE_METRIC_NAMES, type EvaluateMetricName, type EvaluateOptions, type EvaluateOutputs, type EvaluateTargets } from './evaluate.ts'
