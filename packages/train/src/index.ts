// Public API of @loom-ml/train: an explicit list of named re-exports.
export { LoomError, TrainError } from './errors.js';
export type { Batch, Logs, LossLike, MetricLike, TrainableModel } from './types.js';

export { fit } from './fit.js';
export type { FitOptions } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { predict } from './predict.js';
export type { PredictOptions } from './predict.js';
export type { TrainingData } from './batches.js';
export type { ClassWeight } from './sample-weights.js';
export { History } from './history.js';

export { CallbackList } from './callback.js';
export type { BatchLogs, Callback, TrainingContext, TrainingOptimizer } from './callback.js';
export { progressBar, formatDuration } from './progress-bar.js';
export type { ProgressBarOptions, ProgressStream } from './progress-bar.js';
export { earlyStopping } from './early-stopping.js';
export type { EarlyStoppingCallback, EarlyStoppingOptions } from './early-stopping.js';
export { checkpoint, createCheckpoint, listCheckpoints, loadCheckpoint, restoreCheckpoint } from './checkpoint.js';
export type { CheckpointCallback, CheckpointData, CheckpointOptions, SerializedWeight } from './checkpoint.js';
export { reportMetricToOptimizer } from './report-metric-to-optimizer.js';
export type { ReportMetricOptions } from './report-metric-to-optimizer.js';
export { csvLogger, historyToCsv, jsonLogger } from './history-logger.js';
export { terminateOnNaN } from './terminate-on-nan.js';
export type { TerminateOnNaNCallback } from './terminate-on-nan.js';
export { historyToSvg, writeHistoryPlot } from './history-plot.js';
export type { HistoryPlotOptions } from './history-plot.js';
export type { MonitorMode } from './monitor.js';

export { atomicWriteFile } from './atomic-write.js';
export type { AtomicWriteIo } from './atomic-write.js';
export { seededRandom, shuffledIndices } from './seeded-random.js';
