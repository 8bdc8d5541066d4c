import * as tf from '@tensorflow/tfjs-core';

// tfjs-core's avgPool with 'same' padding divides edge windows by their in-bounds count going
// forward but by the full window in its gradient, so edge gradients are wrong. Zero-pad
// explicitly, pool 'valid' (forward and gradient agree), then rescale by the in-bounds fraction.
/**
 * Average pooling whose 'same' padding has a correct gradient.
 * @example averagePool(images, [2, 2], [1, 1], 'same')
 */
export function averagePool(
  images: tf.Tensor4D,
  window: [number, number],
  strides: [number, number],
  padding: 'same' | 'valid',
): tf.Tensor4D {
  if (padding === 'valid') return tf.avgPool(images, window, strides, 'valid');
  return tf.tidy(() => {
    const [, height, width] = images.shape;
    const paddings: Array<[number, number]> = [[0, 0], samePad(height, window[0], strides[0]), samePad(width, window[1], strides[1]), [0, 0]];
    const pooled = tf.avgPool(tf.pad(images, paddings), window, strides, 'valid');
    const inBoundsFraction = tf.avgPool(tf.pad(tf.ones([1, height, width, 1]), paddings) as tf.Tensor4D, window, strides, 'valid');
    return tf.div(pooled, inBoundsFraction);
  });
}

// Same split as tfjs-core and TensorFlow: the odd extra padding goes after.
function samePad(size: number, window: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
