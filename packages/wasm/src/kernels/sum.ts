import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeAll, f32View, heapKernelsOf, type WasmBackendLike } from './backend-access.js';
import { columnSums } from './small-gemm.js';

// The stock kernel is captured at registration and handles every other reduction.
let stockSum: KernelFunc | undefined;

/**
 * Sum over leading axes (e.g. axes [0, 1, 2] of [batch, h, w, channels]): the gradient of every
 * bias. The stock wasm kernel can only reduce innermost axes, so it first transposes the whole
 * input (channels to the front) and then sums; here each row is added into per-column
 * accumulators in one pass, with no transpose. Accumulates in float64, as the cpu backend does.
 */
function sum(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const stock = stockSum as KernelFunc;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  const leadingOnly = axes.length > 0 && axes.length < x.shape.length && axes.every((value, index) => value === index);
  if (x.dtype !== 'float32' || !leadingOnly) return stock(args) as TensorInfo;

  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const columns = tf.util.sizeFromShape(x.shape.slice(axes.length));
  const keptShape = x.shape.slice(axes.length);
  const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...keptShape] : keptShape, 'float32');
  // Loom's SIMD module (two float64 lanes at a time, same order): 25600 x 32 took 2.7 ms as the
  // loop below, 0.6 ms in the module with the copy in (1 thread, 2026-12-03, load 6.7); in place
  // on the heap where the module can reach it (no copy). Bit-identical.
  if (columns % 4 === 0 && sumInPlace(backend, x, out, rows, columns)) return out;
  // Views are taken after every allocation: allocating may grow (and so detach) the heap.
  const source = f32View(backend, x);
  if (columnSums(source, rows, columns, f32View(backend, out))) return out;
  const totals = new Float64Array(columns);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    for (let column = 0; column < columns; column++) totals[column] = (totals[column] as number) + (source[offset + column] as number);
  }
  f32View(backend, out).set(totals);
  return out;
}

/** The column sums in place on the heap (float64 totals in a temporary tensor); false where the module cannot reach it. */
function sumInPlace(backend: WasmBackendLike, x: TensorInfo, out: TensorInfo, rows: number, columns: number): boolean {
  const kernels = heapKernelsOf(backend);
  if (kernels === null) return false;
  const totals = backend.makeOutput([2 * columns], 'float32');
  const totalsView = f32View(backend, totals);
  // Float64 views need 8-byte alignment (the backend's allocator gives at least that).
  const done = totalsView.byteOffset % 8 === 0;
  if (done) f32View(backend, out).set(kernels.columnSums(f32View(backend, x), totalsView, rows, columns));
  disposeAll(backend, [totals]);
  return done;
}

/**
 * Builds the Sum kernel config around the stock wasm kernel.
 *
 * @example
 * tf.registerKernel({ ...sumConfig(tf.getKernel('Sum', 'wasm')!), backendName: 'loom-wasm' });
 */
export function sumConfig(stock: KernelConfig): Omit<KernelConfig, 'backendName'> {
  stockSum = stock.kernelFunc;
  return { kernelName: tf.Sum, kernelFunc: sum as KernelFunc, setupFunc: stock.setupFunc };
}
