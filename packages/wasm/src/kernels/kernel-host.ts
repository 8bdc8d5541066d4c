import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * What a fused kernel needs from the backend it runs on: new float32 outputs, flat views of
 * tensors' data, other registered kernels (matrix products go to XNNPACK on loom-wasm) and
 * freeing temporaries. Implemented for tfjs-backend-wasm (views on the wasm heap, no copies)
 * and tfjs-backend-cpu (the tensors' own arrays), so one kernel source serves both.
 */
export interface KernelHost {
  /** Which data layout: 'wasm' (whose own kernels are SIMD, worth calling on long arrays) or 'cpu'. */
  kind: 'wasm' | 'cpu';
  alloc(shape: number[]): TensorInfo;
  /**
   * A float32 view of a tensor's data. On wasm it is valid until the heap next grows: take
   * views again after every `alloc` or `run`.
   */
  f32(info: TensorInfo): Float32Array;
  run(name: string, inputs: Record<string, TensorInfo>, attrs?: Record<string, unknown>): TensorInfo;
  free(info: TensorInfo): void;
}

/** A fused op's kernels: its forward kernel, its gradient kernel and the gradient config linking them (registered for wasm and cpu). */
export interface FusedKernelConfigs {
  forward: Omit<KernelConfig, 'backendName'>;
  backward: Omit<KernelConfig, 'backendName'>;
  gradient: GradConfig;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

interface CpuLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): TensorInfo;
  disposeData(dataId: object): boolean;
}

function runner(backend: unknown): KernelHost['run'] {
  const backendName = tf.getBackend();
  return (name, inputs, attrs = {}) => {
    const kernel = tf.getKernel(name, backendName);
    if (kernel === undefined) throw new Error(`Kernel '${name}' is not registered for backend '${backendName}'.`);
    return (kernel.kernelFunc as KernelFunc)({ inputs, backend: backend as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
  };
}

/** The host for `backend`, or an error naming what it lacks (only wasm and cpu backends are supported). */
export function kernelHost(backend: unknown, kernelName: string): KernelHost {
  const wasm = backend as Partial<WasmLike>;
  if (typeof wasm.typedArrayFromHeap === 'function' && typeof wasm.makeOutput === 'function') {
    const b = backend as WasmLike;
    return {
      kind: 'wasm',
      alloc: (shape) => b.makeOutput(shape, 'float32'),
      f32: (info) => b.typedArrayFromHeap(info),
      run: runner(backend),
      free: (info) => void b.disposeData(info.dataId),
    };
  }
  const cpu = backend as Partial<CpuLike>;
  if (typeof cpu.makeTensorInfo === 'function' && cpu.data !== undefined && typeof cpu.data.get === 'function') {
    const b = backend as CpuLike;
    return {
      kind: 'cpu',
      alloc: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
      f32: (info) => b.data.get(info.dataId).values as Float32Array,
      run: runner(backend),
      free: (info) => void b.disposeData(info.dataId),
    };
  }
  throw new Error(`Kernel '${kernelName}' runs on the wasm and cpu backends only; backend '${tf.getBackend()}' has neither's data layout.`);
}

/** The same data under another shape (no copy), for kernels that want rank 3 operands. */
export function reshaped(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** `a · b` for `a` [m, k] and `b` [k, n] given as rank-3 `[1, ., .]` infos; returns `[1, m, n]`. */
export function matMul(host: KernelHost, a: TensorInfo, b: TensorInfo): TensorInfo {
  return host.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
}
