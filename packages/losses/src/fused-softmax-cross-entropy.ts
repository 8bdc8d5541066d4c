import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelsEnabled } from '@loom-ml/core';

/**
 * Softmax cross-entropy from logits as one kernel, with its gradient as one kernel. This package
 * depends on tfjs-core only: the kernel lives in `@loom-ml/wasm` (`initWasm` registers it for
 * loom-wasm, `registerFusedKernels('cpu')` for cpu) and is found by name in tfjs-core's kernel
 * registry. Contract (documented with the kernel): inputs `logits` `[rows, classes]` float32 and
 * `labels` float32, `[rows, classes]` (one-hot or soft) or `[rows]` (class indices); outputs
 * `[loss [rows], logSumExp [rows]]`.
 */
export const SOFTMAX_CROSS_ENTROPY_KERNEL = 'LoomSoftmaxCrossEntropy';

/** Whether the fused kernel can run now: switched on (`useFusedKernels` from `@loom-ml/core`), registered with its gradient on the active backend. */
export function fusedSoftmaxCrossEntropyAvailable(): boolean {
  return fusedKernelsEnabled() && tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, tf.getBackend()) !== undefined && tf.getGradient(SOFTMAX_CROSS_ENTROPY_KERNEL) !== undefined;
}

/**
 * `-Σ_c labels_c · log softmax(logits)_c` over the last axis, shape `logits.shape[:-1]`: labels
 * of logits' shape (one-hot or soft), or of `logits.shape[:-1]` (class indices, already checked).
 * Call only when `fusedSoftmaxCrossEntropyAvailable()` and logits are float32.
 */
export function fusedSoftmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const leading = logits.shape.slice(0, -1);
    const classes = logits.shape[logits.rank - 1] as number;
    const rows = leading.reduce((a, b) => a * b, 1);
    const sparse = labels.rank === logits.rank - 1;
    const flatLabels = tf.reshape(labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32'), sparse ? [rows] : [rows, classes]);
    const inputs = { logits: tf.reshape(logits, [rows, classes]), labels: flatLabels } as unknown as tf.NamedTensorMap;
    const [loss] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, inputs, {}) as tf.Tensor[];
    return tf.reshape(loss!, leading);
  });
}
