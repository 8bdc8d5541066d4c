import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initWasm } from './init-wasm.js';

describe('initWasm without WebAssembly SIMD', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fails with a message naming SIMD and what to do, leaving the active backend alone', async () => {
    // The SIMD probe is the only module initWasm validates; a runtime without SIMD rejects it.
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const before = tf.getBackend();
    await expect(initWasm({ threads: 1 })).rejects.toThrow(
      /^Invalid value for `WebAssembly SIMD` in initWasm\. Expected a runtime with WebAssembly SIMD .*Received: unsupported\. Upgrade the runtime, or use the tfjs cpu backend\.$/,
    );
    expect(tf.getBackend()).toBe(before);
  });
});
