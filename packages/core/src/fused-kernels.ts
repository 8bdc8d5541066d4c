let enabled = true;

/**
 * Turns Loom's fused kernels on or off (default on) and returns the previous setting. One switch
 * for every package that has a fused path: `@loom-ml/layers` (whole-sequence LSTM/GRU/SimpleRNN,
 * LayerNormalization, attention in MultiHeadAttention and the Transformer blocks) and
 * `@loom-ml/losses` (softmax cross-entropy from logits). Fused kernels run only where the active
 * backend registered them (`initWasm` from `@loom-ml/wasm` does for loom-wasm,
 * `registerFusedKernels('cpu')` for cpu); elsewhere, or when off, the composite tfjs-core ops run
 * (the reference the fused kernels are tested against, and what benchmarks compare them with).
 * `@loom-ml/layers` exports the same function.
 *
 * @example
 * const previous = useFusedKernels(false); // composite path
 * useFusedKernels(previous);
 */
export function useFusedKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on === true;
  return previous;
}

/** Whether fused kernels are switched on (`useFusedKernels`); each caller still checks that the backend has the kernel. */
export function fusedKernelsEnabled(): boolean {
  return enabled;
}
