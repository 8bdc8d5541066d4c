import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { conv1d } from '../../index.js';

describe('Conv1D', () => {
  // Independent reference: tfjs-core's own conv1d (forward only; it has no dilated gradient).
  it('matches tf.conv1d, including dilation (rtol 1e-5, atol 1e-6)', () => {
    const x = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 3);
    for (const options of [{ padding: 'valid' as const, dilationRate: 1 }, { padding: 'same' as const, dilationRate: 2 }]) {
      const layer = conv1d({ filters: 4, kernelSize: 3, useBias: false, ...options });
      const ours = layer.apply(x) as tf.Tensor;
      const reference = tf.conv1d(x as tf.Tensor3D, layer.trainableWeights[0]! as unknown as tf.Tensor3D, 1, options.padding, 'NWC', options.dilationRate);
      expectTensorsClose(ours, reference, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([ours, reference]);
      layer.dispose();
    }
    x.dispose();
  });

  it('names the layer and shapes when channels do not match', () => {
    const layer = conv1d({ filters: 2, kernelSize: 2, name: 'conv_a' });
    const good = tf.zeros([1, 4, 3]);
    const bad = tf.zeros([1, 4, 2]);
    tf.dispose(layer.apply(good));
    expect(() => layer.apply(bad)).toThrow("Conv1D 'conv_a' expected input of shape [null,4,3], received shape [null,4,2].");
    tf.dispose([good, bad]);
  });
});
