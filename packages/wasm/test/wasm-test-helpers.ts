// Shared helpers for the kernel tests: run the same computation on Loom's wasm backend and on
// the tfjs cpu backend (the independent reference) with identical input data.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from '../src/init-wasm.js';
import { setHeapAccess } from '../src/kernels/backend-access.js';

/** Starts loom-wasm (1 thread: kernel results do not depend on the pool, and CI workers share 2 cores) for the file and restores the cpu backend afterwards. */
export function useWasmBackend(threads = 1): void {
  let handle: WasmBackendHandle | undefined;
  beforeAll(async () => {
    handle = await initWasm({ threads, setActive: false });
  });
  afterAll(async () => {
    await handle?.dispose();
    await tf.setBackend('cpu');
  });
}

/** Runs `compute` with the kernels' in-place heap paths off (so they take their copying paths), then turns them back on. */
export async function withoutHeapAccess<T>(compute: () => T | Promise<T>): Promise<T> {
  setHeapAccess(false);
  try {
    return await compute();
  } finally {
    setHeapAccess(true);
  }
}

/** Deterministic pseudo-random numbers in [-1, 1) (a small LCG; independent of Math.random). */
export function seededValues(count: number, seed: number): Float32Array {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

/** Checks the gradient of `f` (a scalar) at `xs` along one seeded direction by central differences
 * (float32, step 1e-2; agreement within rtol 2e-2 of the analytic directional derivative). */
export function checkFiniteDifferences(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], seed: number): void {
  const grads = tf.grads(f)(xs);
  const directions = xs.map((x, i) => tf.tensor(seededValues(x.size, seed + i), x.shape));
  const h = 1e-2;
  const along = (sign: number) => f(...xs.map((x, i) => tf.add(x, tf.mul(directions[i]!, sign * h)))).dataSync()[0] as number;
  const numeric = (along(1) - along(-1)) / (2 * h);
  const analytic = grads.reduce((total, g, i) => total + (tf.sum(tf.mul(g, directions[i]!)).dataSync()[0] as number), 0);
  expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(analytic)));
}

/** A deterministic integer in [low, high]. */
export function seededInt(low: number, high: number, seed: number): number {
  const value = seededValues(1, seed)[0] as number;
  return low + Math.floor(((value + 1) / 2) * (high - low + 1));
}

/** A float32 tensor of the given shape filled with seeded values (created on the active backend). */
export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape, 'float32');
}

/**
 * Runs `compute` on loom-wasm and on cpu; returns each backend's outputs (as plain arrays)
 * and their shapes. `compute` must create its inputs itself (e.g. with seededTensor).
 */
export async function onBothBackends(compute: () => tf.Tensor | tf.Tensor[]): Promise<{ wasm: Float32Array[]; cpu: Float32Array[]; shapes: number[][] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const result = compute();
      const list = Array.isArray(result) ? result : [result];
      return { values: list.map((t) => Float32Array.from(t.dataSync())), shapes: list.map((t) => t.shape.slice()) };
    });
  };
  const wasm = await run(LOOM_WASM_BACKEND);
  const cpu = await run('cpu');
  await tf.setBackend(LOOM_WASM_BACKEND);
  return { wasm: wasm.values, cpu: cpu.values, shapes: wasm.shapes };
}
