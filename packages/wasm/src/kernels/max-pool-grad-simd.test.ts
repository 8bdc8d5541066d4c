// The SIMD 2x2 max-pool gradient against an independent scalar reference written here (first
// maximum in row-major window order, strict >), bit for bit: random signs, relu-like inputs
// full of tied zeros, NaN, -0, odd sizes, batch 1; and the MaxPoolGrad kernel on loom-wasm
// (which now takes this path for channels that are a multiple of 4) against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, seededValues, useWasmBackend } from '../../test/wasm-test-helpers.js';
import { maxPoolGrad2x2Simd, maxPoolGradModuleBytes } from './max-pool-grad-simd.js';

useWasmBackend();

function reference(x: Float32Array, dy: Float32Array, batch: number, height: number, width: number, channels: number): Float32Array {
  const dx = new Float32Array(x.length);
  const outHeight = Math.floor(height / 2);
  const outWidth = Math.floor(width / 2);
  for (let b = 0; b < batch; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let ow = 0; ow < outWidth; ow++)
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let where = -1;
          for (const [r, s] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
            const index = ((b * height + 2 * oh + r) * width + 2 * ow + s) * channels + c;
            if (where === -1 || (x[index] as number) > best) {
              best = x[index] as number;
              where = index;
            }
          }
          dx[where] = dy[((b * outHeight + oh) * outWidth + ow) * channels + c] as number;
        }
  return dx;
}

describe('maxPoolGrad2x2Simd', () => {
  it('is a valid module well under the 4 KB synchronous-compile limit', () => {
    const bytes = maxPoolGradModuleBytes();
    expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
    expect(bytes.length).toBeLessThan(1024);
  });

  const shapes: Array<[number, number, number, number]> = [[2, 6, 6, 4], [1, 7, 5, 8], [3, 11, 11, 12], [1, 2, 2, 4], [2, 3, 9, 16]];
  it.each(shapes)('matches the scalar reference bit for bit, x [%i, %i, %i, %i]', (batch, height, width, channels) => {
    const size = batch * height * width * channels;
    const dySize = batch * Math.floor(height / 2) * Math.floor(width / 2) * channels;
    const dy = seededValues(dySize, 2);
    const inputs = {
      signs: seededValues(size, 1),
      // relu-like: about half the values exactly 0, so many windows tie (some all four).
      ties: seededValues(size, 3).map((v) => Math.max(0, v)),
      // NaN and -0 mixed in: comparisons with NaN are false, -0 > 0 is false.
      special: seededValues(size, 4).map((v, i) => (i % 7 === 0 ? Number.NaN : i % 5 === 0 ? -0 : v)),
    };
    for (const x of Object.values(inputs)) {
      const dx = new Float32Array(size).fill(5); // stale values must be overwritten
      expect(maxPoolGrad2x2Simd(x, dy, dx, batch, height, width, channels)).toBe(true);
      expect(Array.from(dx).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(Array.from(reference(x, dy, batch, height, width, channels)).map((v) => Object.is(v, -0) ? '-0' : v));
    }
  });

  it('declines channels that are not a multiple of 4 (nothing written)', () => {
    const dx = new Float32Array(2 * 4 * 4 * 3).fill(5);
    expect(maxPoolGrad2x2Simd(seededValues(dx.length, 1), seededValues(2 * 2 * 2 * 3, 2), dx, 2, 4, 4, 3)).toBe(false);
    expect(dx.every((v) => v === 5)).toBe(true);
  });
});

describe('MaxPoolGrad on loom-wasm through the SIMD path', () => {
  it.each([[[2, 6, 6, 4]], [[3, 11, 11, 8]], [[1, 7, 4, 16]]])('matches cpu for x %j, relu-like input with ties', async (shape) => {
    const { wasm, cpu } = await onBothBackends(() => {
      const input = tf.relu(seededTensor(shape, 11));
      const dy = seededTensor(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid').shape, 12);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid'), dy)))(input);
    });
    expect(Array.from(wasm[0] as Float32Array)).toEqual(Array.from(cpu[0] as Float32Array));
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([2, 6, 6, 8], 14);
    await expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x).dataSync());
    });
    x.dispose();
  });
});
