// Public API of @loom-ml/recommenders: an explicit list of named re-exports.
export {};
