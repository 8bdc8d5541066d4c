import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { imageDatasetToTensors } from './to-tensors.js';

describe('imageDatasetToTensors', () => {
  it('keeps values and shapes; creates only the two returned tensors', async () => {
    const dataset = { images: new Float32Array([0, 0.5, 1, 0.25, 0, 0, 1, 1]), labels: new Int32Array([3, 7]), count: 2, imageShape: [2, 2] as [number, number] };
    const before = tf.memory().numTensors;
    const { images, labels } = imageDatasetToTensors(dataset);
    expect(tf.memory().numTensors - before).toBe(2);
    expect(images.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(await images.data())).toEqual(Array.from(dataset.images));
    expect(labels.dtype).toBe('int32');
    expect(Array.from(await labels.data())).toEqual([3, 7]);
    tf.dispose([images, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
