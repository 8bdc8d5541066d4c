// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { binaryCrossentropy, computeLoss, getLoss, meanSquaredError, sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  async losses() {
    await tf.ready();
    const before = tf.memory().numTensors;
    const sparse = sparseCategoricalCrossentropy({ fromLogits: true });
    const restored = getLoss({ name: sparse.name, config: sparse.getConfig() });
    const results = tf.tidy(() => {
      const labels = tf.tensor1d([2, 0], 'int32');
      const logits = tf.tensor2d([[0.1, 0.2, 3.0], [2.0, -1.0, 0.0]]);
      return [
        restored.perSample(labels, logits),
        computeLoss(meanSquaredError(), tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1, 1], [1, 1]]), { reduction: 'sum' }),
        binaryCrossentropy({ fromLogits: true }).perSample(tf.tensor2d([[1], [0]]), tf.tensor2d([[2], [-1]])),
      ];
    });
    const [sparseCategorical, meanSquaredSum, binaryFromLogits] = await Promise.all(results.map(async (t) => Array.from(await t.data())));
    tf.dispose(results);
    return { backend: tf.getBackend(), sparseCategorical, meanSquaredSum, binaryFromLogits, leaked: tf.memory().numTensors - before };
  },
});
