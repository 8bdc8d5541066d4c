import { readIdx, type ByteInput, type IdxArray } from '@loom-ml/data';
import { DatasetError, invalidValue } from './errors.js';
import { fetchResponse, type FetchOptions } from './fetch-options.js';

/** Class names of Fashion-MNIST's labels 0..9. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/**
 * Labelled grey-scale images (MNIST, Fashion-MNIST) as the loaders return them;
 * `imageDatasetToTensors` turns one into `[count, height, width, 1]` images and labels.
 */
export interface ImageDataset {
  /** Pixels scaled to [0, 1], `count * height * width` values, row-major. */
  images: Float32Array;
  /** Class of each image, 0-9. */
  labels: Int32Array;
  /** Number of images. */
  count: number;
  /** `[height, width]` of one image. */
  imageShape: [number, number];
}

/** Checks an images + labels pair of IDX arrays and scales pixels to [0, 1]. */
export function imageDatasetFromIdx(images: IdxArray, labels: IdxArray, names: { images: string; labels: string }, where: string, limit?: number): ImageDataset {
  if (images.shape.length !== 3) throw new DatasetError(`${where}: ${names.images} should hold [count, height, width] images; its shape is [${images.shape.join(', ')}].`);
  const total = images.shape[0]!;
  if (labels.shape.length !== 1 || labels.shape[0] !== total) {
    throw new DatasetError(`${where}: ${names.labels} has [${labels.shape.join(', ')}] labels for ${total} images in ${names.images}.`);
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw invalidValue('limit', where, 'a positive integer', limit);
  const count = Math.min(limit ?? total, total);
  const [height, width] = [images.shape[1]!, images.shape[2]!];
  const pixels = new Float32Array(count * height * width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: pixels, labels: Int32Array.from(labels.data.subarray(0, count)), count, imageShape: [height, width] };
}

export function checkLimit(limit: unknown, where: string): void {
  if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) > 0)) throw invalidValue('limit', where, 'a positive integer', limit);
}

/**
 * Builds an image dataset from the bytes of an IDX images file and an IDX labels file (MNIST's
 * format; Fashion-MNIST and EMNIST use it too), plain or gzipped: `ArrayBuffer`s, typed arrays,
 * `Blob`s/`File`s or fetch `Response`s. Runs anywhere, browsers included.
 *
 * @example
 * const [images, labels] = await Promise.all([imagesFile.arrayBuffer(), labelsFile.arrayBuffer()]);
 * const test = await mnistFromIdx({ images, labels, limit: 1000 });
 */
export async function mnistFromIdx(options: { images: ByteInput; labels: ByteInput; limit?: number; maxBytes?: number }): Promise<ImageDataset> {
  if (options === null || typeof options !== 'object') throw invalidValue('options', 'mnistFromIdx', '{ images, labels }', options);
  checkLimit(options.limit, 'mnistFromIdx');
  const names = { images: 'the images', labels: 'the labels' };
  const limits = options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes };
  const [images, labels] = await Promise.allSettled([readIdx(options.images, { source: names.images, ...limits }), readIdx(options.labels, { source: names.labels, ...limits })]);
  // When both fail, the images' error is the one reported, whichever read finished first.
  for (const read of [images, labels]) if (read.status === 'rejected') throw read.reason;
  const value = <T>(read: PromiseSettledResult<T>) => (read as PromiseFulfilledResult<T>).value;
  return imageDatasetFromIdx(value(images), value(labels), names, 'mnistFromIdx', options.limit);
}

/**
 * Downloads an images + labels pair of IDX files (plain or gzipped, e.g. MNIST's
 * `t10k-images-idx3-ubyte.gz`) with `fetch` and builds the image dataset. Each file is refused
 * past `maxBytes` (default 256 MiB, downloaded or inflated); `signal` cancels both downloads,
 * and a failure of one cancels the other.
 *
 * @example
 * const test = await fetchMnist({
 *   images: '/mnist/t10k-images-idx3-ubyte.gz',
 *   labels: '/mnist/t10k-labels-idx1-ubyte.gz',
 *   signal: AbortSignal.timeout(60_000),
 * });
 */
export async function fetchMnist(options: { images: string | URL; labels: string | URL; limit?: number } & FetchOptions): Promise<ImageDataset> {
  if (options === null || typeof options !== 'object' || options.images === undefined || options.labels === undefined) {
    throw invalidValue('options', 'fetchMnist', '{ images: url, labels: url }', options);
  }
  checkLimit(options.limit, 'fetchMnist');
  // One controller for both downloads: the caller's signal, or the first failure, stops both.
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const fetchOne = async (url: string | URL) => {
    const response = await fetchResponse(url, 'fetchMnist', { ...options, signal: controller.signal });
    return readIdx(response, { source: String(url), signal: controller.signal, ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }) });
  };
  try {
    const [images, labels] = await Promise.all([fetchOne(options.images), fetchOne(options.labels)].map((p) => p.catch((error: unknown) => {
      controller.abort(error);
      throw error;
    })));
    return imageDatasetFromIdx(images!, labels!, { images: String(options.images), labels: String(options.labels) }, 'fetchMnist', options.limit);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
