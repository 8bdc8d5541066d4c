// Public API of @loom-ml/train: an explicit list of named re-exports.
export {};
