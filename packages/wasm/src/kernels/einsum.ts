import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runKernel, type WasmBackendLike } from './backend-access.js';

/**
 * Einsum by decomposition into wasm kernels: each operand is permuted and reshaped onto the
 * common list of all indices (size-1 axes for the ones it lacks), operands are multiplied
 * with broadcasting, and summed indices are reduced as soon as no remaining operand uses
 * them (the order tfjs-core's getEinsumComputePath chooses).
 */
function einsum(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const operands = (Array.isArray(args.inputs) ? args.inputs : Object.values(args.inputs)) as TensorInfo[];
  const { equation } = args.attrs as { equation: string };
  const { allDims, summedDims, idDims } = tf.backend_util.decodeEinsumEquation(equation, operands.length);
  tf.backend_util.checkEinsumDimSizes(allDims.length, idDims, operands as unknown as tf.Tensor[]);
  const { path, steps } = tf.backend_util.getEinsumComputePath(summedDims, idDims);

  const owned = new Set<TensorInfo>();
  const make = (info: TensorInfo): TensorInfo => {
    owned.add(info);
    return info;
  };
  let result: TensorInfo | null = null;
  let remaining = allDims.length;
  steps.forEach((operandIndices, step) => {
    for (const operandIndex of operandIndices) {
      const { permutationIndices, expandDims } = tf.backend_util.getEinsumPermutation(remaining, idDims[operandIndex] as number[]);
      let operand = operands[operandIndex] as TensorInfo;
      if (!tf.backend_util.isIdentityPermutation(permutationIndices)) {
        operand = make(runKernel('Transpose', backend, { x: operand }, { perm: permutationIndices }));
      }
      const expandedShape = operand.shape.slice();
      for (const axis of expandDims) expandedShape.splice(axis, 0, 1);
      if (!tf.util.arraysEqual(operand.shape, expandedShape)) {
        operand = make(runKernel('Reshape', backend, { x: operand }, { shape: expandedShape }));
      }
      result = result === null ? operand : make(runKernel('Multiply', backend, { a: operand, b: result }));
    }
    if (step < steps.length - 1) {
      const axis = path[step] as number;
      if (axis >= 0) {
        result = make(runKernel('Sum', backend, { x: result as TensorInfo }, { axis: axis - (allDims.length - remaining), keepDims: false }));
      }
      remaining--;
    }
  });
  for (const info of owned) if (info !== result) backend.disposeData(info.dataId);
  if (result === null) throw new Error(`Einsum equation '${equation}' produced no operands.`);
  // A bare input returned unchanged would share its data id; hand back a copy instead.
  return owned.has(result) ? result : runKernel('Identity', backend, { x: result });
}

/** Einsum for the wasm backend (missing from tfjs-backend-wasm 4.22.0). */
export const einsumConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.Einsum,
  kernelFunc: einsum as KernelFunc,
};
