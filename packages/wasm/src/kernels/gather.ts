import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './backend-access.js';

// The stock kernel is captured at registration and kept for the cases handled here by delegation.
let stockGather: KernelFunc | undefined;

// Below this block size a plain loop beats TypedArray.set's per-call overhead.
const MIN_BLOCK_FOR_SET = 16;

/**
 * GatherV2 as block copies: with batchDims 0, every output block is one contiguous run of
 * `inner` values of x, so the gather is `outer * indices` memcpy-like copies. The stock wasm
 * kernel walks the output element by element with index arithmetic, which made it the largest
 * single cost of a tfjs-layers `fit` (batches are sliced with gather) and of Embedding layers.
 */
function gatherV2(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
  const stock = stockGather as KernelFunc;
  if ((batchDims ?? 0) !== 0 || indices.dtype !== 'int32' || !['float32', 'int32', 'bool'].includes(x.dtype)) {
    return stock(args) as TensorInfo;
  }
  const [gatherAxis] = tf.util.parseAxisParam(axis, x.shape) as [number];
  const axisSize = x.shape[gatherAxis] as number;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, gatherAxis));
  const inner = tf.util.sizeFromShape(x.shape.slice(gatherAxis + 1));
  const count = tf.util.sizeFromShape(indices.shape);
  const checked = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let j = 0; j < count; j++) {
    const index = checked[j] as number;
    if (!(index >= 0 && index < axisSize)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
  }
  const out = backend.makeOutput([...x.shape.slice(0, gatherAxis), ...indices.shape, ...x.shape.slice(gatherAxis + 1)], x.dtype);
  if (outer * count * inner === 0) return out;

  // Views are (re)taken after makeOutput: allocating may grow (and so detach) the heap.
  const ids = backend.typedArrayFromHeap(indices) as Int32Array;
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const from = (o * axisSize + (ids[j] as number)) * inner;
      const to = (o * count + j) * inner;
      if (inner >= MIN_BLOCK_FOR_SET) target.set(source.subarray(from, from + inner), to);
      else for (let k = 0; k < inner; k++) target[to + k] = source[from + k] as number;
    }
  }
  return out;
}

/**
 * Builds the GatherV2 kernel config around the stock wasm kernel (used for batchDims > 0 and
 * other dtypes).
 *
 * @example
 * tf.registerKernel({ ...gatherV2Config(tf.getKernel('GatherV2', 'wasm')!), backendName: 'loom-wasm' });
 */
export function gatherV2Config(stock: KernelConfig): Omit<KernelConfig, 'backendName'> {
  stockGather = stock.kernelFunc;
  return { kernelName: tf.GatherV2, kernelFunc: gatherV2 as KernelFunc, setupFunc: stock.setupFunc };
}
