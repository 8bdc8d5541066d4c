import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, it } from 'vitest';
import { averagePool } from './average-pool.js';

describe('averagePool', () => {
  // Forward reference: tfjs-core's own 'same' avgPool (its forward pass is right; only its gradient is not).
  it("matches tfjs-core's 'same' forward pass (rtol 1e-5, atol 1e-6), odd and even sizes, stride 2", async () => {
    const images = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    for (const [window, strides] of [[[3, 3], [1, 1]], [[2, 3], [2, 2]]] as Array<[[number, number], [number, number]]>) {
      const ours = averagePool(images, window, strides, 'same');
      const reference = tf.avgPool(images, window, strides, 'same');
      expectTensorsClose(ours, reference, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([ours, reference]);
    }
    images.dispose();
    await expectNoLeakedTensors(() => {
      const x = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
      tf.dispose([averagePool(x, [3, 3], [1, 1], 'same'), x]);
    });
  });
});
