// Public API of @loom-ml/optimizers: an explicit list of named re-exports.
export {};
