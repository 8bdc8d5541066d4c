import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors } from './expect-no-leaked-tensors.js';

describe('expectNoLeakedTensors', () => {
  it('passes when every tensor is disposed', () => {
    const value = expectNoLeakedTensors(() => tf.tidy(() => tf.sum(tf.ones([3])).dataSync()[0]));
    expect(value).toBe(3);
  });

  it('fails with the number of leaked tensors', () => {
    let leaked: tf.Tensor[] = [];
    expect(() =>
      expectNoLeakedTensors(() => {
        leaked = [tf.ones([2]), tf.zeros([2])];
      }, 'leaky()'),
    ).toThrow(/^leaky\(\) leaked 2 tensor\(s\)/);
    tf.dispose(leaked);
  });

  it('checks async functions after they settle', async () => {
    let leaked: tf.Tensor | undefined;
    await expect(
      expectNoLeakedTensors(async () => {
        await Promise.resolve();
        leaked = tf.ones([1]);
      }),
    ).rejects.toThrow(/leaked 1 tensor/);
    leaked?.dispose();
    await expect(expectNoLeakedTensors(async () => 7)).resolves.toBe(7);
  });
});
