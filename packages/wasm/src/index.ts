// Public API of @loom-ml/wasm: an explicit list of named re-exports.
export { initWasm, LOOM_WASM_BACKEND } from './init-wasm.js';
export type { InitWasmOptions, WasmBackendHandle } from './init-wasm.js';
export { registerGradients } from './register-gradients.js';
export { registerFusedKernels } from './register-fused-kernels.js';
export { LoomError, WasmError } from './errors.js';
export { PINNED_TFJS_VERSION } from './version-check.js';
export { MAX_THREADS } from './thread-count.js';
export type { ThreadsOption } from './thread-count.js';
export type { WasmPaths, WasmBinaryName } from './wasm-paths.js';
