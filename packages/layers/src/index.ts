// Public API of @loom-ml/layers: an explicit list of named re-exports.
export {};
