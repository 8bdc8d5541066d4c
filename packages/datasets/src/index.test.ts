import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as datasets from './index.js';
import * as nodeDatasets from './node.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Runs a README code block with its import lines replaced by the given bindings. */
async function runSnippet(snippet: string, bindings: Record<string, unknown>): Promise<unknown[][]> {
  const logged: unknown[][] = [];
  const body = snippet.replace(/^import .*$/gm, '').replace(/console\.log/g, 'log');
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction(...Object.keys(bindings), 'log', body)(...Object.values(bindings), (...values: unknown[]) => logged.push(values));
  return logged;
}

describe('public API', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('exports exactly the documented names from each entry', () => {
    expect(Object.keys(datasets).sort()).toEqual(
      ['BANKING77_INTENTS', 'DatasetError', 'FASHION_MNIST_CLASSES', 'LoomError', 'MOVIELENS_100K_GENRES', 'SHUTTLE_CLASSES', 'banking77FromCsv', 'creditCardFraudFromCsv', 'fetchImdb', 'fetchMnist', 'fineFoodsFromCsv', 'imageDatasetToTensors', 'imdbFromReviews', 'intentsFromCsv', 'lendingClubFromCsv', 'mnistFromIdx', 'movieLensSmallFromCsv', 'shuttleFromCsv'].sort(),
    );
    expect(Object.keys(nodeDatasets).sort()).toEqual(
      ['imdbDataFile', 'loadBanking77', 'loadCreditCardFraud', 'loadFashionMnist', 'loadFineFoods', 'loadIdxImageDataset', 'loadImdb', 'loadIntentCsv', 'loadLendingClub', 'loadMnist', 'loadMovieLens100k', 'loadMovieLens1m', 'loadMovieLensSmall', 'loadShuttle', 'mnistDataDirectory', 'shippedDataFile'].sort(),
    );
    for (const name of [...Object.keys(datasets), ...Object.keys(nodeDatasets)]) expect(readme).toContain(`\`${name}`);
  });

  it('runs the README Node.js example (its printed values match the comments)', async () => {
    const snippet = /Node\.js, reading the shipped files:\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const before = tf.memory().numTensors;
    const logged = await runSnippet(snippet, { loadBanking77: nodeDatasets.loadBanking77, loadMnist: nodeDatasets.loadMnist, loadMovieLensSmall: nodeDatasets.loadMovieLensSmall, imageDatasetToTensors: datasets.imageDatasetToTensors });
    expect(logged).toEqual([[[100, 28, 28, 1], 7], [100_004, 9_066], [10_003, 'I am still waiting on my card?', 'card_arrival']]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs the README browser example against a fetch that serves the shipped files', async () => {
    const snippet = /In a browser \(or anywhere with `fetch`\), from files your site serves:\n\n(?:<!--.*-->\n)?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const files: Record<string, string> = {
      '/mnist/t10k-images-idx3-ubyte': join(nodeDatasets.mnistDataDirectory(), 't10k-images-idx3-ubyte'),
      '/mnist/t10k-labels-idx1-ubyte': join(nodeDatasets.mnistDataDirectory(), 't10k-labels-idx1-ubyte'),
      '/data/shuttle.csv.gz': nodeDatasets.shippedDataFile('shuttle.csv.gz'),
    };
    vi.stubGlobal('fetch', async (url: string) => (files[url] ? new Response(readFileSync(files[url]!)) : new Response('', { status: 404 })));
    const logged = await runSnippet(snippet, { fetchMnist: datasets.fetchMnist, shuttleFromCsv: datasets.shuttleFromCsv });
    expect(logged).toEqual([[1000, 58_000]]);
  });
});
