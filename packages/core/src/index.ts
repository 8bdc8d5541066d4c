// Public API of @loom-ml/core (runs anywhere): an explicit list of named re-exports.
// Node-only file I/O is in './node.ts' (the '@loom-ml/core/node' entry).
export { LoomError, FileRefusedError, describeValue } from './errors.js';
