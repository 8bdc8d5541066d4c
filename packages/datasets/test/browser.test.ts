// @loom-ml/datasets in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) fetches MNIST's IDX files and the shipped lending-club and BANKING77 CSVs, and gets
// what the Node loaders read from the same files.
import { join } from 'node:path';
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBanking77, loadLendingClub, loadMnist, mnistDataDirectory, shippedDataFile } from '../src/node.js';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  assets: [join(mnistDataDirectory(), 't10k-images-idx3-ubyte'), join(mnistDataDirectory(), 't10k-labels-idx1-ubyte'), shippedDataFile('lending_club.csv.gz'), shippedDataFile('banking77_test.csv.gz')],
});
afterAll(() => opened.close());

describe('@loom-ml/datasets in Chromium', () => {
  it('fetches the first 200 MNIST test images and labels, as loadMnist reads them in Node', async () => {
    const page = await opened.call<{ count: number; imageShape: number[]; labels: number[]; pixelSum: number }>('fetchMnistTest', 200);
    const node = await loadMnist({ split: 'test', limit: 200 });
    expect(page.count).toBe(200);
    expect(page.imageShape).toEqual([28, 28]);
    expect(page.labels).toEqual(Array.from(node.labels));
    expect(page.labels.slice(0, 5)).toEqual([7, 2, 1, 0, 4]); // MNIST's first test digits
    // Same float32 pixels summed in the same order on both sides.
    expect(page.pixelSum).toBe(node.images.reduce((a, b) => a + b, 0));
  });

  it('reads the shipped lending-club loans from a gzipped fetch Response, as loadLendingClub does in Node', async () => {
    const page = await opened.call<{ count: number; first: unknown; last: unknown }>('lendingClub');
    const node = await loadLendingClub();
    expect(page.count).toBe(node.length);
    expect(page.first).toEqual(node[0]);
    expect(page.last).toEqual(node.at(-1));
  });

  it('reads the shipped BANKING77 test split from a gzipped fetch Response, as loadBanking77 does in Node', async () => {
    const page = await opened.call<{ count: number; texts: string[]; labels: number[]; intents: string[] }>('banking77Test');
    const node = await loadBanking77({ split: 'test' });
    expect(page.count).toBe(3_080);
    expect(page.texts).toEqual(node.texts);
    expect(page.labels).toEqual(Array.from(node.labels));
    expect(page.intents).toEqual(node.intents);
  });
});
