import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as datasets from './index.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(datasets).sort()).toEqual(
      ['DatasetError', 'FASHION_MNIST_CLASSES', 'LoomError', 'MOVIELENS_100K_GENRES', 'SHUTTLE_CLASSES', 'imageDatasetToTensors', 'imdbDataFile', 'loadCreditCardFraud', 'loadFashionMnist', 'loadFineFoods', 'loadIdxImageDataset', 'loadImdb', 'loadLendingClub', 'loadMnist', 'loadMovieLens100k', 'loadMovieLens1m', 'loadMovieLensSmall', 'loadShuttle', 'mnistDataDirectory', 'shippedDataFile'].sort(),
    );
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(datasets)) expect(readme).toContain(`\`${name}`);
  });

  it('runs the README example (its printed values match the comments)', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const snippet = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const logged: unknown[][] = [];
    const body = snippet.replace(/^import .*$/m, '').replace(/console\.log/g, 'log');
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
    const before = tf.memory().numTensors;
    await new AsyncFunction('loadMnist', 'loadMovieLensSmall', 'imageDatasetToTensors', 'log', body)(
      datasets.loadMnist, datasets.loadMovieLensSmall, datasets.imageDatasetToTensors, (...values: unknown[]) => logged.push(values),
    );
    expect(logged).toEqual([[[100, 28, 28, 1], 7], [100_004, 9_066]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
