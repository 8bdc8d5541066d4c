import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelsEnabled } from '@loom-ml/core';
import { splitFusedActivation } from './activations.js';

/**
 * `useFusedKernels(on)` turns Loom's fused kernels on or off for every layer and for the
 * losses' softmax cross-entropy (default on) and returns the previous setting; it is
 * `@loom-ml/core`'s switch, exported here too. Fused kernels are used only where the active
 * backend registered them (`initWasm` does for loom-wasm; `registerFusedKernels('cpu')` from
 * `@loom-ml/wasm` for cpu); elsewhere, or when off, layers run their composite tfjs-core ops
 * (the reference the fused kernels are tested against, and what benchmarks compare them with).
 *
 * @example
 * const previous = useFusedKernels(false); // composite path
 * useFusedKernels(previous);
 */
export { useFusedKernels } from '@loom-ml/core';

/** Whether the fused kernel `name` (and its gradient) can run on the active backend now. */
export function fusedKernelAvailable(name: string): boolean {
  return fusedKernelsEnabled() && tf.getKernel(name, tf.getBackend()) !== undefined && tf.getGradient(name) !== undefined;
}

/** Runs a registered kernel through the engine, so the tape records it with its registered gradient. */
export function runFusedKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor[] {
  const result = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(result) ? result : [result];
}

/**
 * Runs a fused kernel for its first output alone, recorded on the gradient tape as one node with
 * the kernel's registered gradient. The kernel's other outputs (attention's probabilities, a
 * recurrent kernel's workspace, layer normalisation's row statistics) exist only for that
 * gradient. Recorded through `runKernel`, they would be outputs nothing downstream uses, and
 * tfjs-core hands a gradient a zero-filled tensor for each such output before calling it: for
 * the Transformer bench's attention that is 10 million floats allocated in JavaScript and copied
 * into the heap every step, about half of the step. `constants` (masks) go to the kernel but not
 * onto the tape: they get no gradient (they are 0/1 data).
 */
export function runFusedKernelForFirstOutput(
  name: string,
  inputs: Record<string, tf.Tensor>,
  constants: Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
): tf.Tensor {
  if (!tf.engine().isTapeOn()) {
    // Nothing records a gradient (inference, generation): the plain kernel call, without
    // customGrad's bookkeeping (about a fifth of a cached generation step).
    const [first, ...rest] = runFusedKernel(name, { ...inputs, ...constants }, attrs);
    tf.dispose(rest);
    return first as tf.Tensor;
  }
  const config = tf.getGradient(name);
  if (config === undefined) throw new Error(`Fused kernel ${name} has no registered gradient.`);
  const names = Object.keys(inputs);
  const run = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[names.length] as tf.GradSaveFunc;
    const named: Record<string, tf.Tensor> = { ...constants };
    names.forEach((inputName, i) => {
      named[inputName] = args[i] as tf.Tensor;
    });
    const outputs = runFusedKernel(name, named, attrs);
    // What the engine would save for the registered gradient, in its order: inputs, then outputs.
    save([...(config.inputsToSave ?? []).map((inputName) => named[inputName] as tf.Tensor), ...outputs.filter((_, i) => config.outputsToSave?.[i] === true)]);
    return {
      value: outputs[0] as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = config.gradFunc(dy, saved, attrs as tf.NamedAttrMap);
        return names.map((inputName) => (grads[inputName] as () => tf.Tensor)());
      },
    };
  });
  return run(...names.map((inputName) => inputs[inputName] as tf.Tensor));
}

/**
 * `x · kernel + bias` with a `linear` or `relu` activation, as one backend kernel (`_FusedMatMul`:
 * on loom-wasm XNNPACK adds the bias and clamps in the product's output loop) also while a tape
 * records, where `@loom-ml/wasm`'s gradient for it is registered and fused kernels are on.
 * Otherwise `tf.fused.matMul`, which while recording runs `relu` as three kernels (product, `Add`,
 * `Relu`) and its gradient as three more (`Step`, `Cast`, `Multiply`).
 */
export function biasedProduct(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor | null, activation: 'linear' | 'relu'): tf.Tensor2D {
  const [rows, inner] = x.shape;
  const columns = kernel.shape[1] as number;
  if (bias !== null && bias.rank === 1 && fusedKernelAvailable(tf._FusedMatMul)) {
    const a = tf.reshape(x, [1, rows, inner]);
    const b = tf.reshape(kernel, [1, inner, columns]);
    const [out] = runFusedKernel(tf._FusedMatMul, { a, b, bias }, { transposeA: false, transposeB: false, activation });
    return tf.reshape(out as tf.Tensor, [rows, columns]);
  }
  if (bias === null && activation === 'linear') return tf.matMul(x, kernel as tf.Tensor2D);
  return tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, ...(bias !== null ? { bias } : {}), activation }) as tf.Tensor2D;
}

/** A feed-forward block's hidden layer `activation(x · kernel + bias)`: `relu` fused (biasedProduct), `gelu` after a fused linear product. */
export function feedForwardHidden(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor, activation: 'relu' | 'gelu'): tf.Tensor2D {
  const { fused, after } = splitFusedActivation(activation);
  const out = biasedProduct(x, kernel, bias, fused);
  return after === null ? out : (after(out) as tf.Tensor2D);
}

/** An NHWC convolution plus bias with a `linear` or `relu` activation as one `FusedConv2D` kernel, on the same terms as `biasedProduct`; otherwise `tf.fused.conv2d`. */
export function biasedConv2d(args: {
  x: tf.Tensor4D;
  filter: tf.Tensor4D;
  strides: [number, number] | number;
  pad: 'valid' | 'same';
  bias: tf.Tensor | null;
  activation: 'linear' | 'relu';
}): tf.Tensor4D {
  const { x, filter, strides, pad, bias, activation } = args;
  if (bias !== null && bias.rank === 1 && fusedKernelAvailable(tf.FusedConv2D)) {
    const [out] = runFusedKernel(tf.FusedConv2D, { x, filter, bias }, { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation });
    return out as tf.Tensor4D;
  }
  return tf.fused.conv2d({ x, filter, strides, pad, dataFormat: 'NHWC', ...(bias !== null ? { bias } : {}), activation });
}
