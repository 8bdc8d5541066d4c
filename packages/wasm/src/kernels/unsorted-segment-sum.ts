import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runSegmentSumSplit } from './attention-helper.js';
import type { WasmBackendLike } from './backend-access.js';

/**
 * out[s, ...] = sum of x[i, ...] over i with segmentIds[i] = s. `segmentIds` may have any
 * shape that is a prefix of x's shape (each id then selects a trailing block). Ids outside
 * [0, numSegments) are dropped, as in TensorFlow and the tfjs cpu backend. This is the
 * gradient of gather, so every Embedding layer needs it.
 */
function unsortedSegmentSum(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as { numSegments: number };
  const blockShape = x.shape.slice(segmentIds.shape.length);
  const blockSize = tf.util.sizeFromShape(blockShape);
  const out = backend.makeOutput([numSegments, ...blockShape], x.dtype);
  const target = backend.typedArrayFromHeap(out);
  const source = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  // With the helper worker (2+ threads), half of the segments there (same order per segment).
  if (x.dtype === 'float32' && segmentIds.dtype === 'int32' && runSegmentSumSplit(source as Float32Array, ids as Int32Array, target as Float32Array, blockSize, numSegments)) return out;
  target.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i] as number;
    if (!(segment >= 0 && segment < numSegments)) continue;
    const from = i * blockSize;
    const to = segment * blockSize;
    for (let k = 0; k < blockSize; k++) target[to + k] = (target[to + k] as number) + (source[from + k] as number);
  }
  return out;
}

/** UnsortedSegmentSum for the wasm backend (missing from tfjs-backend-wasm 4.22.0). */
export const unsortedSegmentSumConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.UnsortedSegmentSum,
  kernelFunc: unsortedSegmentSum as KernelFunc,
};
