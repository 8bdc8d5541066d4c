// Public API of @loom-ml/losses: an explicit list of named re-exports.
export {};
