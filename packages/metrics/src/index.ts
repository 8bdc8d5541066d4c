// Public API of @loom-ml/metrics: an explicit list of named re-exports.
export {};
