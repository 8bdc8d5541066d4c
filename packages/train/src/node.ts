// Public API of @loom-ml/train/node: the callbacks and helpers that write or read files, for
// Node.js. Everything else is imported from '@loom-ml/train'. This entry may import the main
// entry's modules; the main entry never imports these.
export { checkpoint, listCheckpoints, loadCheckpoint } from './node/checkpoint.js';
export type { CheckpointCallback, CheckpointOptions, LoadCheckpointOptions } from './node/checkpoint.js';
export { csvLogger, jsonLogger } from './node/history-logger.js';
export { writeHistoryPlot } from './node/write-history-plot.js';
