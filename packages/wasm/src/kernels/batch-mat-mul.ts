import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeAll, f32View, heapKernelsOf, runKernel, type WasmBackendLike } from './backend-access.js';
import { heapProduct } from './attention-helper.js';
import { matrixProduct, type HeapKernels, type MatrixProduct } from './small-gemm.js';

// The stock kernel is captured at registration; it is XNNPACK-fast only without transposes and
// with batch 1 (otherwise a scalar triple loop).
let stockBatchMatMul: KernelFunc | undefined;

// Below this many multiply-adds per matrix the per-batch XNNPACK set-up costs more than it saves.
const MIN_WORK_FOR_SPLIT = 32 * 32 * 32;

function transposeLast2(backend: WasmBackendLike, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return runKernel('Transpose', backend, { x }, { perm });
}

/**
 * A batched product (or a single one) entry by entry through Loom's SIMD module: `runEntry` gets
 * heap views of each entry's operands and output, with no per-entry tensors. The per-entry
 * XNNPACK route below creates and packs an operator for every entry: attention's
 * [256, 200, 16] · [256, 200, 16]ᵀ took 35-48 ms that way and 21-26 ms this way on 1 thread,
 * 41-83 against 23-26 ms on 2 (2026-12-03, load 1.6-2.0). A transposed A is read in place by the
 * module (strided); a transposed B is transposed once up front (the backend's Transpose), not
 * once per entry.
 */
function productsByEntry(
  backend: WasmBackendLike, a: TensorInfo, b: TensorInfo, transposeB: boolean, rows: number, inner: number, columns: number,
  runEntry: (a: Float32Array, b: Float32Array, out: Float32Array, batch: number) => void,
): TensorInfo {
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const outerShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const plainB = transposeB ? transposeLast2(backend, b) : b;
  const out = backend.makeOutput([...outerShape, rows, columns], 'float32');
  // Views after every allocation (the heap may have grown); no backend kernel runs below.
  const viewA = f32View(backend, a);
  const viewB = f32View(backend, plainB);
  const viewOut = f32View(backend, out);
  const [sizeA, sizeB, sizeOut] = [rows * inner, inner * columns, rows * columns];
  for (let index = 0; index < batch; index++) {
    const entryA = batchA === 1 ? 0 : index;
    const entryB = batchB === 1 ? 0 : index;
    runEntry(viewA.subarray(entryA * sizeA, (entryA + 1) * sizeA), viewB.subarray(entryB * sizeB, (entryB + 1) * sizeB), viewOut.subarray(index * sizeOut, (index + 1) * sizeOut), batch);
  }
  if (transposeB) disposeAll(backend, [plainB]);
  return out;
}

/** Each entry in place on the backend's heap (no copies); a single large product has half of its rows in the helper worker with 2+ threads (bit-identical; attention-helper.ts). */
function inPlaceEntry(kernels: HeapKernels, transposeA: boolean, rows: number, inner: number, columns: number) {
  return (a: Float32Array, b: Float32Array, out: Float32Array, batch: number) =>
    batch === 1 ? heapProduct(kernels, a, b, out, rows, inner, columns, transposeA) : kernels.gemm(a, b, out, rows, inner, columns, transposeA);
}

/** Each entry copied into the module's own memory and back (where the backend's heap cannot be reached). */
function copiedEntry(product: MatrixProduct, transposeA: boolean) {
  return (a: Float32Array, b: Float32Array, out: Float32Array) => {
    product.a.set(a);
    product.b.set(b);
    product.run(transposeA);
    out.set(product.out);
  };
}

/**
 * BatchMatMul on a fast path: batched products (simple broadcasts) and unbatched Aᵀ·B run in
 * Loom's SIMD module (small-gemm.ts) when it is there; otherwise XNNPACK, with transposed
 * operands transposed once up front (O(n^2)) so the O(n^3) product takes its fast path, and large
 * batches (including a broadcast batch of 1) run one matrix at a time through it.
 */
function batchMatMul(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const stock = stockBatchMatMul as KernelFunc;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return stock(args) as TensorInfo;

  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const rows = transposeA ? (a.shape.at(-1) as number) : (a.shape.at(-2) as number);
  const inner = transposeA ? (a.shape.at(-2) as number) : (a.shape.at(-1) as number);
  const columns = transposeB ? (b.shape.at(-2) as number) : (b.shape.at(-1) as number);
  const batched = batchA > 1 || batchB > 1;
  const simpleBroadcast = batchA === batchB || batchA === 1 || batchB === 1;
  if (!transposeA && !transposeB && !batched) return stock(args) as TensorInfo;
  const kernels = heapKernelsOf(backend);
  if (kernels !== null && columns % 4 === 0 && rows > 0 && inner > 0 && columns > 0 && ((batched && simpleBroadcast) || (transposeA && !transposeB && !batched))) {
    return productsByEntry(backend, a, b, transposeB, rows, inner, columns, inPlaceEntry(kernels, transposeA, rows, inner, columns));
  }
  if (batched && simpleBroadcast && rows > 0 && inner > 0 && columns > 0) {
    const product = matrixProduct(rows, inner, columns);
    if (product !== null) return productsByEntry(backend, a, b, transposeB, rows, inner, columns, copiedEntry(product, transposeA));
  }
  if (batched && (!simpleBroadcast || rows * inner * columns < MIN_WORK_FOR_SPLIT)) return stock(args) as TensorInfo;
  if (transposeA && !transposeB && !batched && rows > 0 && inner > 0 && columns > 0) {
    // Aᵀ·B (every dense layer's weight gradient xᵀ·dy) in Loom's SIMD module, A read in place and
    // k in cache-sized slices: x, dy [25600, 32] took 6.2 ms plus 2.8 ms for x's transpose through
    // XNNPACK, 2.3 ms in the module plus the copies in (1 thread, 2026-12-03, load 3-5).
    const product = matrixProduct(rows, inner, columns);
    if (product !== null) return productsByEntry(backend, a, b, false, rows, inner, columns, copiedEntry(product, true));
  }

  if (transposeA && !transposeB && !batched && columns > rows) {
    // Aᵀ·B as (Bᵀ·A)ᵀ when B is the wider operand: XNNPACK packs its second operand afresh for
    // every new tensor, and packing is dearer than transposing (a weight gradient Xᵀ·dY with X
    // [25600, 32] and dY [25600, 128]: 26 ms this way round, 14 ms the other, 1 thread).
    const plainB = transposeLast2(backend, b);
    const product = stock({ ...args, inputs: { a: plainB, b: a }, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    const out = transposeLast2(backend, product);
    disposeAll(backend, [plainB, product]);
    return out;
  }
  const temporaries: TensorInfo[] = [];
  const plainA = transposeA ? transposeLast2(backend, a) : a;
  const plainB = transposeB ? transposeLast2(backend, b) : b;
  if (transposeA) temporaries.push(plainA);
  if (transposeB) temporaries.push(plainB);

  let out: TensorInfo;
  if (!batched) {
    out = stock({ ...args, inputs: { a: plainA, b: plainB }, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  } else {
    const outerShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    out = backend.makeOutput([...outerShape, rows, columns], 'float32');
    const matrixA = backend.makeOutput([1, rows, inner], 'float32');
    const matrixB = backend.makeOutput([1, inner, columns], 'float32');
    temporaries.push(matrixA, matrixB);
    for (let index = 0; index < batch; index++) {
      const fromA = batchA === 1 ? 0 : index;
      const fromB = batchB === 1 ? 0 : index;
      // Views are re-taken each step: a kernel call may grow (and so detach) the heap.
      if (index === 0 || batchA > 1) f32View(backend, matrixA).set(f32View(backend, plainA).subarray(fromA * rows * inner, (fromA + 1) * rows * inner));
      if (index === 0 || batchB > 1) {
        // The XNNPACK operator caches packed weights by tensor id, so B needs a fresh id when it changes.
        if (index > 0) {
          backend.disposeData(matrixB.dataId);
          temporaries.pop();
          const fresh = backend.makeOutput([1, inner, columns], 'float32');
          Object.assign(matrixB, fresh);
          temporaries.push(matrixB);
        }
        f32View(backend, matrixB).set(f32View(backend, plainB).subarray(fromB * inner * columns, (fromB + 1) * inner * columns));
      }
      const product = stock({ ...args, inputs: { a: matrixA, b: matrixB }, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
      f32View(backend, out).set(f32View(backend, product), index * rows * columns);
      backend.disposeData(product.dataId);
    }
  }
  disposeAll(backend, temporaries);
  return out;
}

/**
 * Builds the BatchMatMul kernel config around the stock wasm kernel.
 *
 * @example
 * tf.registerKernel({ ...batchMatMulConfig(tf.getKernel('BatchMatMul', 'wasm')!), backendName: 'loom-wasm' });
 */
export function batchMatMulConfig(stock: KernelConfig): Omit<KernelConfig, 'backendName'> {
  stockBatchMatMul = stock.kernelFunc;
  return { kernelName: tf.BatchMatMul, kernelFunc: batchMatMul as KernelFunc, setupFunc: stock.setupFunc };
}
