import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * Identity (what `tf.clone` and tfjs-core's tape run for every tensor it saves for a gradient)
 * shares the input's data, as the cpu backend does and as the wasm Reshape does, instead of
 * copying it as the stock wasm kernel does: tensors are immutable, and no kernel writes into
 * its inputs. A training step of the 128 x 200 LSTM copied about 15 million floats this way
 * (the fused kernel's workspace alone 5.8 million).
 */
function identity({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity for the wasm backend: shares data (reference-counted) instead of copying it. */
export const identityConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.Identity,
  kernelFunc: identity as KernelFunc,
};
