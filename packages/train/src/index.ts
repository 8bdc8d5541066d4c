// Public API of @loom-ml/train (runs anywhere: Node.js, browsers, workers): an explicit list of
// named re-exports. File-writing callbacks and checkpoint files are in './node.ts'
// (the '@loom-ml/train/node' entry); nothing here reaches a Node builtin.
export { LoomError, TrainError } from './errors.js';
export type { Batch, Logs, LossLike, MetricLike, TrainableModel } from './types.js';

export { fit } from './fit.js';
export type { FitOptions } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { predict } from './predict.js';
export type { PredictOptions, SingleOutputModel } from './predict.js';
export type { TrainingData } from './batches.js';
export type { ClassWeight } from './sample-weights.js';
export { History } from './history.js';

export { CallbackList } from './callback.js';
export type { BatchLogs, Callback, TrainingContext, TrainingOptimizer } from './callback.js';
export { progressBar, formatDuration, showsProgress } from './progress-bar.js';
export type { ProgressBarOptions, ProgressRuntime, ProgressStream } from './progress-bar.js';
export { earlyStopping } from './early-stopping.js';
export type { EarlyStoppingCallback, EarlyStoppingOptions } from './early-stopping.js';
export { createCheckpoint, restoreCheckpoint } from './checkpoint-data.js';
export type { CheckpointData, SerializedWeight } from './checkpoint-data.js';
export { reportMetricToOptimizer } from './report-metric-to-optimizer.js';
export type { ReportMetricOptions } from './report-metric-to-optimizer.js';
export { historyToCsv } from './history-csv.js';
export { terminateOnNaN } from './terminate-on-nan.js';
export { magnitudePruning } from './magnitude-pruning.js';
export type { MagnitudePruningCallback, MagnitudePruningOptions, PrunedWeightReport } from './magnitude-pruning.js';
export { polynomialDecaySparsity, constantSparsity } from './pruning-schedule.js';
export type { ConstantSparsityOptions, PolynomialDecayOptions, PruningDecision, PruningSchedule } from './pruning-schedule.js';
export type { TerminateOnNaNCallback } from './terminate-on-nan.js';
export { historyToSvg } from './history-plot.js';
export type { HistoryPlotOptions } from './history-plot.js';
export type { MonitorMode } from './monitor.js';

export { seededRandom, shuffledIndices } from './seeded-random.js';
