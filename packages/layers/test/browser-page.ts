// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { dense, deserializeModel, loadModel, saveModel, sequential, serializeModel, type Sequential } from '@loom-ml/layers';
import { exposeToTest } from '@loom-ml/test-utils/page';

const X = [[1, -2, 0.5], [0, 3, -1]];

async function predict(model: Sequential, x: number[][] = X): Promise<number[][]> {
  const input = tf.tensor2d(x);
  const output = model.apply(input, { training: false });
  const rows = (await output.array()) as number[][];
  tf.dispose([input, output]);
  return rows;
}

const smallModel = () => sequential([dense({ units: 2, activation: 'relu', inputShape: [3] }), dense({ units: 1 })]);

exposeToTest({
  /** A 3-2-1 MLP with the given weights (kernel1 [3,2], bias1 [2], kernel2 [2,1], bias2 [1]). */
  async predictWithWeights(weights: number[][]) {
    await tf.ready();
    const before = tf.memory().numTensors;
    const model = smallModel();
    const shapes = [[3, 2], [2], [2, 1], [1]];
    const tensors = weights.map((values, i) => tf.tensor(values, shapes[i]));
    tf.tidy(() => void model.apply(tf.zeros([1, 3]))); // builds the weights
    model.setWeights(tensors);
    tf.dispose(tensors);
    const rows = await predict(model);
    model.dispose();
    return { backend: tf.getBackend(), rows, leaked: tf.memory().numTensors - before };
  },

  /** Builds a model with fresh random weights, saves it to IndexedDB and returns its predictions. */
  async saveToIndexedDb(name: string) {
    const model = smallModel();
    const rows = await predict(model);
    await saveModel(model, `indexeddb://${name}`);
    model.dispose();
    return rows;
  },

  async loadFromIndexedDb(name: string) {
    const model = await loadModel(`indexeddb://${name}`);
    const rows = await predict(model);
    model.dispose();
    return rows;
  },

  /** Loads a model file written in Node (fetched from the page's origin). */
  async loadFromUrl(path: string) {
    const model = await loadModel(path, { maxBytes: 1e6, signal: AbortSignal.timeout(10_000) });
    const rows = await predict(model);
    model.dispose();
    return rows;
  },

  /** Whether loading a download larger than maxBytes is refused, and how. */
  async refuseLargeUrl(path: string) {
    try {
      (await loadModel(path, { maxBytes: 64 })).dispose();
      return 'loaded';
    } catch (error) {
      return (error as Error).message;
    }
  },

  /** A model made here, as bytes for Node, with its predictions (and that deserializeModel reads them). */
  async serializeForNode() {
    const model = smallModel();
    const rows = await predict(model);
    const serialized = await serializeModel(model);
    const again = deserializeModel(serialized);
    const sameHere = JSON.stringify(await predict(again)) === JSON.stringify(rows);
    again.dispose();
    const bytes = Array.from(serialized);
    model.dispose();
    return { bytes, rows, sameHere };
  },
});
