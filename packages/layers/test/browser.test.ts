// @loom-ml/layers in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) builds and predicts, saves to IndexedDB with saveModel and loads after a
// reload, loads a URL within a size limit, and exchanges model files with Node in both directions.
import * as tf from '@tensorflow/tfjs-core';
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, deserializeModel, sequential, serializeModel } from '../src/index.js';

const X = [[1, -2, 0.5], [0, 3, -1]];

async function nodePredict(bytes: Uint8Array): Promise<number[][]> {
  const model = deserializeModel(bytes);
  const output = tf.tidy(() => model.apply(tf.tensor2d(X), { training: false }) as tf.Tensor);
  const rows = (await output.array()) as number[][];
  output.dispose();
  model.dispose();
  return rows;
}

const expectRowsClose = (actual: number[][], expected: number[][], atol: number) => {
  expect(actual.map((row) => row.length)).toEqual(expected.map((row) => row.length));
  actual.forEach((row, i) => row.forEach((value, j) => expect(Math.abs(value - expected[i]![j]!)).toBeLessThanOrEqual(atol)));
};

// A model saved here in Node, for the page to fetch.
const nodeModel = sequential([dense({ units: 2, activation: 'relu', inputShape: [3] }), dense({ units: 1 })]);
tf.tidy(() => void nodeModel.apply(tf.zeros([1, 3])));
const nodeModelBytes = await serializeModel(nodeModel);
nodeModel.dispose();

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  files: { 'models/from-node.loom': nodeModelBytes },
});
afterAll(() => opened.close());

describe('@loom-ml/layers in Chromium', () => {
  it('builds a dense model and predicts what the weights give by hand (atol 1e-6), leaking no tensor', async () => {
    const weights = [[1, 0, -1, 2, 0.5, 1], [0.1, -0.2], [2, -1], [0.25]];
    const result = await opened.call<{ backend: string; rows: number[][]; leaked: number }>('predictWithWeights', weights);
    // hidden = relu(x · [[1,0],[-1,2],[0.5,1]] + [0.1,-0.2]); out = hidden · [2,-1] + 0.25.
    const byHand = X.map(([a, b, c]) => {
      const h1 = Math.max(0, a! * 1 + b! * -1 + c! * 0.5 + 0.1);
      const h2 = Math.max(0, a! * 0 + b! * 2 + c! * 1 - 0.2);
      return [2 * h1 - h2 + 0.25];
    });
    expect(result.backend).toBe('cpu');
    expectRowsClose(result.rows, byHand, 1e-6);
    expect(result.leaked).toBe(0);
  });

  it('saves a model to IndexedDB, and after a page reload loads it with the same predictions', async () => {
    const before = await opened.call<number[][]>('saveToIndexedDb', 'small-mlp');
    await opened.reload();
    expect(await opened.call<number[][]>('loadFromIndexedDb', 'small-mlp')).toEqual(before);
  });

  it('loads a model file written in Node and predicts as Node does (atol 1e-6)', async () => {
    expectRowsClose(await opened.call<number[][]>('loadFromUrl', 'models/from-node.loom'), await nodePredict(nodeModelBytes), 1e-6);
  });

  it('refuses a download past maxBytes, naming the URL', async () => {
    expect(await opened.call<string>('refuseLargeUrl', 'models/from-node.loom')).toMatch(
      /^The model at http:\/\/127\.0\.0\.1:\d+\/models\/from-node\.loom sent more than the limit of 64 bytes; the download was stopped \(raise maxBytes if you trust it\)\.$/,
    );
  });

  it('serializes a model in the page that Node loads with the same predictions (atol 1e-6)', async () => {
    const fromPage = await opened.call<{ bytes: number[]; rows: number[][]; sameHere: boolean }>('serializeForNode');
    expect(fromPage.sameHere).toBe(true);
    expectRowsClose(await nodePredict(Uint8Array.from(fromPage.bytes)), fromPage.rows, 1e-6);
  });
});
