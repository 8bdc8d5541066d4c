// Public API of @loom-ml/core/node: file I/O for Node.js. It may import the main entry's
// modules; the main entry never imports these.
export { writeFileAtomic, type WriteFileAtomicOptions } from './node/write-file-atomic.js';
export { readFileBounded, type ReadFileBoundedOptions } from './node/read-file-bounded.js';
export { resolveInside } from './node/resolve-inside.js';
export { removeStaleTempFiles } from './node/remove-stale-temp-files.js';
