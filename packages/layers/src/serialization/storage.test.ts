// Browser persistence through @loom-ml/core's storage (IndexedDB by fake-indexeddb here; the
// real-Chromium test reloads a page): the same bytes as Node's .loom files, both ways.
import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FileRefusedError, listStoredBytes, loadBytes } from '@loom-ml/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { dense } from '../core/layers/dense.js';
import { embedding } from '../core/layers/embedding.js';
import { flatten } from '../core/layers/reshaping.js';
import { dot } from '../core/layers/merge-dot.js';
import { model as functional, type FunctionalModel } from '../functional/functional-model.js';
import { input } from '../functional/symbolic-tensor.js';
import { sequential } from '../model/sequential.js';
import { loadModel as loadModelNode, saveModel as saveModelNode } from '../node/files.js';
import { loadModel, saveModel } from './storage.js';

const scratch = mkdtempSync(join(tmpdir(), 'loom-storage-'));
const digits = () => sequential([dense({ units: 8, activation: 'relu', inputShape: [4], kernelInitializer: { name: 'glorotUniform', seed: 3 } }), dense({ units: 3, activation: 'softmax', kernelInitializer: { name: 'glorotUniform', seed: 4 } })], { name: 'digits' });
const x = () => tf.tensor2d([[0.1, -0.2, 0.3, 0.9], [1, 2, -1, 0]]);

function predictions(model: { apply(t: tf.Tensor): tf.Tensor | tf.Tensor[] }): number[][] {
  return tf.tidy(() => (model.apply(x()) as tf.Tensor).arraySync() as number[][]);
}

describe('saveModel / loadModel in the browser API', () => {
  it('IndexedDB round trip: same predictions, no leaked tensors', async () => {
    const model = digits();
    const expected = predictions(model);
    await saveModel(model, 'indexeddb://digits');
    expect(await listStoredBytes()).toContain('indexeddb://digits');
    const again = await expectNoLeakedTensors(async () => {
      const loaded = await loadModel('indexeddb://digits');
      const result = predictions(loaded);
      loaded.dispose();
      return result;
    });
    expect(again).toEqual(expected); // bit-identical weights: same float32 arithmetic
    model.dispose();
  });

  it('a model saved to a .loom file in Node loads in the page (bytes, File, IndexedDB) and back', async () => {
    const model = digits();
    const expected = predictions(model);
    const file = join(scratch, 'digits.loom');
    await saveModelNode(model, file);
    const bytes = new Uint8Array(readFileSync(file));
    for (const source of [bytes, bytes.buffer, new File([bytes], 'digits.loom'), new Blob([bytes])]) {
      const loaded = await loadModel(source);
      expectTensorsClose(tf.tensor(predictions(loaded)), expected, { atol: 0 });
      loaded.dispose();
    }
    // Page → Node: what the page stored in IndexedDB, written to a file, loads with Node's loadModel.
    await saveModel(model, 'indexeddb://from-page');
    const stored = await loadBytes('indexeddb://from-page');
    expect(stored).toEqual(bytes);
    writeFileSync(join(scratch, 'from-page.loom'), stored);
    const back = await loadModelNode(join(scratch, 'from-page.loom'));
    expect(predictions(back)).toEqual(expected);
    // Node's loadModel/saveModel pass indexeddb:// on to the browser functions.
    await saveModelNode(back, 'indexeddb://via-node');
    const viaNode = await loadModelNode('indexeddb://via-node');
    expect(predictions(viaNode)).toEqual(expected);
    [model, back, viaNode].forEach((m) => m.dispose());
  });

  it('a functional model (two inputs, a shared tower) round-trips through IndexedDB', async () => {
    const user = input({ shape: [1], name: 'user', dtype: 'int32' });
    const item = input({ shape: [1], name: 'item', dtype: 'int32' });
    const tower = dense({ units: 4, name: 'tower', kernelInitializer: { name: 'glorotUniform', seed: 5 } });
    const u = tower.connect(flatten().connect(embedding({ inputDim: 10, outputDim: 3, name: 'users', embeddingsInitializer: { name: 'randomNormal', seed: 6 } }).connect(user)));
    const v = tower.connect(flatten().connect(embedding({ inputDim: 10, outputDim: 3, name: 'items', embeddingsInitializer: { name: 'randomNormal', seed: 7 } }).connect(item)));
    const twoTower = functional({ inputs: [user, item], outputs: dot({ axes: 1, normalize: true }).connect([u, v]), name: 'two_tower' });
    const ids = [tf.tensor2d([[1], [7]], [2, 1], 'int32'), tf.tensor2d([[2], [3]], [2, 1], 'int32')];
    const expected = tf.tidy(() => (twoTower.apply(ids) as tf.Tensor).arraySync());
    await saveModel(twoTower, 'indexeddb://two-tower');
    const loaded = await loadModel<FunctionalModel>('indexeddb://two-tower');
    expect(loaded.className).toBe('Functional');
    expect(tf.tidy(() => (loaded.apply(ids) as tf.Tensor).arraySync())).toEqual(expected);
    tf.dispose(ids);
    twoTower.dispose();
    loaded.dispose();
  });

  it('loads from an http URL with maxBytes and an abort signal, and refuses what is not a model', async () => {
    const model = digits();
    const bytes = await saveModelBytes(model);
    const server = createServer((request, response) => {
      if (request.url === '/digits.loom') response.end(bytes);
      else if (request.url === '/slow.loom') setTimeout(() => response.end(bytes), 2000).unref();
      else response.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const loaded = await loadModel(`${base}/digits.loom`, { maxBytes: 1e6, signal: AbortSignal.timeout(5000) });
      expect(predictions(loaded)).toEqual(predictions(model));
      loaded.dispose();
      await expect(loadModel(`${base}/digits.loom`, { maxBytes: 100 })).rejects.toThrow(FileRefusedError);
      await expect(loadModel(`${base}/digits.loom`, { maxBytes: 100 })).rejects.toThrow(`The model at ${base}/digits.loom has ${bytes.length} bytes, more than the limit of 100`);
      await expect(loadModel(`${base}/slow.loom`, { signal: AbortSignal.timeout(50) })).rejects.toThrow(expect.objectContaining({ name: 'TimeoutError' }));
      await expect(loadModel(`${base}/missing.loom`)).rejects.toThrow(`The model at ${base}/missing.loom could not be fetched: HTTP 404 Not Found.`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      model.dispose();
    }
    await expect(loadModel('indexeddb://nothing-here')).rejects.toThrow('The model indexeddb://nothing-here does not exist');
    await expect(loadModel('runs/digits.loom')).rejects.toThrow("Invalid value for `source`: 'runs/digits.loom'.");
    await expect(saveModel(digits(), 'runs/digits.loom')).rejects.toThrow("Expected 'indexeddb://name' or 'downloads://file-name'");
  });
});

async function saveModelBytes(model: ReturnType<typeof digits>): Promise<Uint8Array> {
  const { serializeModel } = await import('./portable.js');
  return serializeModel(model);
}
