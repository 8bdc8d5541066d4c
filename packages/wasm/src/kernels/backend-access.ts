import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { heapKernels, type HeapKernels } from './small-gemm.js';

/** The parts of tfjs-backend-wasm's BackendWasm that the kernels here use. */
export interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): boolean;
  /** The Emscripten module: its heap's WebAssembly.Memory is `wasmMemory` (threaded build) or `asm.memory`. */
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

let heapAccess = true;

/** Tests: `false` makes `heapMemory` answer null, so kernels take their copying paths (another tfjs-backend-wasm build might not expose its memory). */
export function setHeapAccess(enabled: boolean): void {
  heapAccess = enabled;
}

/** The backend's heap as a WebAssembly.Memory (for Loom's modules that work on it in place), or null where it is not reachable. */
export function heapMemory(backend: WasmBackendLike): WebAssembly.Memory | null {
  if (!heapAccess) return null;
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** Loom's module over the backend's heap (small-gemm.ts), or null where it cannot reach it (the kernels then take their copying paths). */
export function heapKernelsOf(backend: WasmBackendLike): HeapKernels | null {
  return heapKernels(heapMemory(backend));
}

/** A float32 view of a tensor's data on the wasm heap (valid until the heap next grows). */
export function f32View(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/**
 * Runs another kernel registered for the active backend (e.g. the stock wasm Transpose), so
 * Loom kernels compose the fast C++ kernels instead of reimplementing them.
 */
export function runKernel(name: string, backend: WasmBackendLike, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
  const backendName = tf.getBackend();
  const kernel = tf.getKernel(name, backendName);
  if (kernel === undefined) throw new Error(`Kernel '${name}' is not registered for backend '${backendName}'.`);
  return (kernel.kernelFunc as KernelFunc)({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/** Frees intermediate results made with runKernel. */
export function disposeAll(backend: WasmBackendLike, infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
