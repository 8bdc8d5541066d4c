// Public API of @loom-ml/metrics: an explicit list of named re-exports.
export { LoomError, MetricError } from './errors.js';
export type { Values } from './values.js';
export { accuracy, correctPerSample, topKAccuracy, confusionMatrix, precisionRecallF1 } from './classification.js';
export type { AccuracyOptions, Averaging, PrecisionRecallF1 } from './classification.js';
export { rocCurve, rocAuc, precisionRecallCurve, averagePrecision } from './curves.js';
export type { Curve } from './curves.js';
export { logLoss, brierScore, expectedCalibrationError } from './probabilistic.js';
export { meanSquaredError, meanAbsoluteError, rootMeanSquaredError, r2Score } from './regression.js';
export { rankingMetricsAtK, meanRankingMetrics, precisionAtK, recallAtK, ndcgAtK, mapAtK, mrr, hitRateAtK, catalogueCoverage } from './ranking.js';
export type { RankingMetrics } from './ranking.js';
export { Accuracy, TopKAccuracy, MeanError, RankingAreaMetric, ConfusionMatrix, getMetric, METRIC_NAMES } from './streaming.js';
export type { StreamingMetric } from './streaming.js';
export { BinnedAuc } from './binned-auc.js';
export type { BinnedAucOptions } from './binned-auc.js';
