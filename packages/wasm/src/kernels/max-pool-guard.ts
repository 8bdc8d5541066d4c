import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { WasmError } from '../errors.js';

/**
 * The stock wasm MaxPool writes outside its output for numeric (explicit) padding, corrupting
 * the wasm heap (later kernels fail with "memory access out of bounds", or threads deadlock).
 * Until that is fixed, numeric padding is refused with a clear error; 'same' and 'valid' (all
 * Loom layers use these) go to the stock XNNPACK kernel.
 */
export function maxPoolGuardConfig(stock: KernelConfig): Omit<KernelConfig, 'backendName'> {
  return {
    kernelName: tf.MaxPool,
    // The stock kernel binds its C++ entry point in setupFunc.
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ((args) => {
      const pad = (args.attrs as { pad?: unknown }).pad;
      if (pad !== 'same' && pad !== 'valid') {
        throw new WasmError(
          `Invalid value for \`pad\` in MaxPool on loom-wasm. Expected 'same' or 'valid' (numeric padding corrupts memory in tfjs-backend-wasm 4.22.0). Received: ${JSON.stringify(pad)}. ` +
            "Pad the input with tf.pad and use 'valid', or run this op on the cpu backend.",
        );
      }
      return (stock.kernelFunc as KernelFunc)(args);
    }) as KernelFunc,
  };
}
