// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { averagePrecision, confusionMatrix, getMetric, ndcgAtK, rocAuc } from '@loom-ml/metrics';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  async metrics() {
    await tf.ready();
    const accuracy = getMetric('accuracy');
    const labels = tf.tensor1d([0, 2]);
    const scores = tf.tensor2d([[0.9, 0.1, 0], [0.2, 0.7, 0.1]]);
    accuracy.update(labels, scores);
    tf.dispose([labels, scores]);
    return {
      rocAuc: rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
      averagePrecision: averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
      confusionMatrix: confusionMatrix([0, 1, 1], [0, 0, 1], 2),
      ndcg: ndcgAtK([[3, 1, 7]], [new Set([1])], 3),
      streamingAccuracy: accuracy.result(),
    };
  },
});
