// Public API of @loom-ml/datasets: an explicit list of named re-exports.
export {};
