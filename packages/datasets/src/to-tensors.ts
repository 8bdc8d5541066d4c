import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from './image-dataset.js';

/**
 * Turns an image dataset into tensors: images `[count, height, width, 1]` float32 and labels
 * `[count]` int32. The caller owns (and disposes) both.
 *
 * @example
 * const { images, labels } = imageDatasetToTensors(await loadMnist({ split: 'test', limit: 100 }));
 */
export function imageDatasetToTensors(dataset: ImageDataset): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const [height, width] = dataset.imageShape;
  return {
    images: tf.tensor4d(dataset.images, [dataset.count, height, width, 1], 'float32'),
    labels: tf.tensor1d(dataset.labels, 'int32'),
  };
}
