// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's gradients ship separately; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { dense, sequential } from '@loom-ml/layers';
import { sgd } from '@loom-ml/optimizers';
import { evaluate, fit, historyToSvg, predict } from '@loom-ml/train';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  /** Fits y = 2a - 3b + 0.5 (no noise) with one dense unit; returns the loss curve and what was learned. */
  async fitLine() {
    await tf.ready();
    const before = tf.memory().numTensors;
    const model = sequential([dense({ units: 1, inputShape: [2] })]);
    const x = tf.randomUniform([64, 2], -1, 1, 'float32', 7);
    const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([[2], [-3]])), 0.5));
    const history = await fit(model, { x, y }, { loss: 'meanSquaredError', optimizer: sgd({ learningRate: 0.2 }), epochs: 60, batchSize: 16, seed: 2 });
    const { loss } = await evaluate(model, { x, y }, { loss: 'meanSquaredError' });
    const xNew = tf.tensor2d([[1, 1], [-0.5, 2]]);
    const prediction = (await predict(model, xNew)) as tf.Tensor;
    const result = {
      losses: history.values.loss!,
      evaluatedLoss: loss,
      kernel: Array.from(await model.trainableWeights[0]!.data()),
      bias: Array.from(await model.trainableWeights[1]!.data()),
      predictions: Array.from(await prediction.data()),
      plotStartsWithSvg: historyToSvg(history).startsWith('<svg'),
    };
    tf.dispose([x, y, xNew, prediction]);
    model.dispose();
    return { ...result, leaked: tf.memory().numTensors - before };
  },
});
