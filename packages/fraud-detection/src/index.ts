// Public API of @loom-ml/fraud-detection: an explicit list of named re-exports.
export {};
