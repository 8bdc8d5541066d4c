// Public API of @loom-ml/fraud-detection: an explicit list of named re-exports.
export { LoomError, FraudError } from './errors.js';
export { IsolationForest, averagePathLength } from './isolation-forest.js';
export type { IsolationForestOptions } from './isolation-forest.js';
export { populationStabilityIndex, ksStatistic } from './drift.js';
export { thresholdByCost, thresholdForPrecision, thresholdForRecall, precisionAtK, recallAtFalsePositiveRate } from './thresholds.js';
export type { CostMatrix } from './thresholds.js';
export { TabularEncoder } from './tabular-encoder.js';
export type { TabularSchema, TabularRow, TabularEncoderJSON } from './tabular-encoder.js';
export { LogisticRegression } from './logistic-regression.js';
export type { LogisticRegressionOptions } from './logistic-regression.js';
export { rocCurve, rocAuc, precisionRecallCurve, averagePrecision } from './curves.js';
export { IsotonicCalibrator } from './isotonic-regression.js';
export { balancedClassWeights } from './class-weights.js';
export { PlattScaling } from './platt-scaling.js';
export { smote } from './smote.js';
export type { SmoteOptions } from './smote.js';
export { randomResample } from './random-resample.js';
