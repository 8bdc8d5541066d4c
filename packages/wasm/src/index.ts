// Public API of @loom-ml/wasm: an explicit list of named re-exports.
export {};
