// Identity on loom-wasm shares its input's data (reference-counted) instead of copying it: clones
// and the tensors tfjs-core's tape saves for gradients cost no copy, and freeing stays exact.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();

describe('Identity on loom-wasm', () => {
  it('tf.clone shares the data, which lives until the last reference is disposed', async () => {
    await tf.setBackend('loom-wasm');
    const before = tf.memory();
    const x = seededTensor([3, 5], 1);
    const expected = x.dataSync().slice();
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(tf.memory().numDataBuffers - before.numDataBuffers).toBe(1);
    x.dispose();
    expect(y.dataSync()).toEqual(expected);
    expect(tf.tidy(() => tf.add(y, 1).dataSync())).toEqual(expected.map((v) => Math.fround(v + 1)));
    y.dispose();
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('keeps int32 and bool values and shapes', async () => {
    await tf.setBackend('loom-wasm');
    const ints = tf.tensor([[1, -2], [3, 4]], [2, 2], 'int32');
    const bools = tf.tensor([true, false, true], [3], 'bool');
    const [a, b] = [tf.clone(ints), tf.clone(bools)];
    expect([a.dtype, a.shape, Array.from(a.dataSync())]).toEqual(['int32', [2, 2], [1, -2, 3, 4]]);
    expect([b.dtype, b.shape, Array.from(b.dataSync())]).toEqual(['bool', [3], [1, 0, 1]]);
    tf.dispose([ints, bools, a, b]);
  });

  it('gradients through saved (shared) tensors match cpu, without leaks', async () => {
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(tf.matMul(x, x, false, true)), tf.sum(tf.exp(x))));
    const values: Float32Array[] = [];
    for (const backend of ['cpu', 'loom-wasm']) {
      await tf.setBackend(backend);
      const x = seededTensor([4, 3], 2);
      expectNoLeakedTensors(() => {
        tf.tidy(() => {
          values.push(tf.grad(loss)(x).dataSync() as Float32Array);
        });
      });
      x.dispose();
    }
    expectTensorsClose(values[1]!, values[0]!, { rtol: 1e-5, atol: 1e-6 });
  });
});
