// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadBytes, saveBytes } from '@loom-ml/core';
import { dense, deserializeModel, sequential, serializeModel, type Sequential } from '@loom-ml/layers';
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
    await saveBytes(`indexeddb://${name}`, await serializeModel(model));
    model.dispose();
    return rows;
  },

  async loadFromIndexedDb(name: string) {
    const model = deserializeModel(await loadBytes(`indexeddb://${name}`));
    const rows = await predict(model);
    model.dispose();
    return rows;
  },

  /** Loads a model file written in Node (fetched from the page's origin). */
  async loadFromUrl(path: string) {
    const model = deserializeModel(await loadBytes(path));
    const rows = await predict(model);
    model.dispose();
    return rows;
  },

  /** A model made here, as bytes for Node, with its predictions. */
  async serializeForNode() {
    const model = smallModel();
    const rows = await predict(model);
    const bytes = Array.from(await serializeModel(model));
    model.dispose();
    return { bytes, rows };
  },
});
