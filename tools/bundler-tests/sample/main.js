// The sample program users would write, built here by esbuild, Vite and webpack 5 alike: Loom's
// WASM backend (threads when the page is crossOriginIsolated), a dense model fitted with
// @loom-ml/train, saved to IndexedDB and loaded back. Plain JavaScript, so every bundler takes it
// as is. The test calls `loomPage.run()` in the page.
import * as tf from '@tensorflow/tfjs-core';
import { dense, loadModel, saveModel, sequential } from '@loom-ml/layers';
import { sgd } from '@loom-ml/optimizers';
import { fit } from '@loom-ml/train';
import { initWasm, registerGradients } from '@loom-ml/wasm';

async function run() {
  registerGradients();
  const notices = [];
  const wasm = await initWasm({ threads: 'auto', onNotice: (message) => notices.push(message) });
  try {
    // y = 2a - 3b + 0.5 on a fixed grid of 16 points: the loss must fall to ~0.
    const grid = Array.from({ length: 16 }, (_, i) => [(i % 4) / 2 - 0.75, Math.floor(i / 4) / 2 - 0.75]);
    const x = tf.tensor2d(grid);
    const y = tf.tensor2d(grid.map(([a, b]) => [2 * a - 3 * b + 0.5]));
    const model = sequential([dense({ units: 1, inputShape: [2] })]);
    const history = await fit(model, { x, y }, { loss: 'meanSquaredError', optimizer: sgd({ learningRate: 0.5 }), epochs: 30, batchSize: 16, seed: 1 });
    const probe = tf.tensor2d([[1, 1], [-0.5, 2]]);
    const predict = async (m) => {
      const output = m.apply(probe);
      const values = Array.from(await output.data());
      output.dispose();
      return values;
    };
    const predictions = await predict(model);
    await saveModel(model, 'indexeddb://loom-sample');
    const reloaded = await loadModel('indexeddb://loom-sample');
    const reloadedPredictions = await predict(reloaded);
    tf.dispose([x, y, probe]);
    model.dispose();
    reloaded.dispose();
    const losses = history.values.loss;
    return {
      backend: tf.getBackend(),
      threads: wasm.threads,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      notices,
      firstLoss: losses[0],
      lastLoss: losses[losses.length - 1],
      predictions,
      reloadedPredictions,
    };
  } finally {
    await wasm.dispose();
  }
}

globalThis.loomPage = { run };
