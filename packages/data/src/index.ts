// Public API of @loom-ml/data: an explicit list of named re-exports.
export { LoomError, DataError } from './errors.js';
export { parseIdx, readIdxFile, isGzip } from './loaders/idx.js';
export type { IdxArray, IdxData } from './loaders/idx.js';
