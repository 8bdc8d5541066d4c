// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's gradients ship separately; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { LogisticRegression, rocAuc, type LogisticRegressionJSON } from '@loom-ml/fraud-detection';
import { exposeToTest } from '@loom-ml/test-utils/page';
import { fixtureLoans, LOGISTIC_OPTIONS } from './browser-fixture.js';

exposeToTest({
  /** Fits a class-weighted logistic regression on the fixture; returns its ROC AUC, scores and JSON. */
  async fitLogisticRegression() {
    await tf.ready();
    const { rows, labels } = fixtureLoans();
    const model = await LogisticRegression.fit(rows, labels, LOGISTIC_OPTIONS);
    const scores = model.predictProba(rows);
    return { auc: rocAuc(labels, scores), firstScores: Array.from(scores.subarray(0, 10)), json: model.toJSON() };
  },

  /** Scores the fixture's first rows with a model saved (as JSON) in Node. */
  scoreWithSaved(json: LogisticRegressionJSON) {
    return Array.from(LogisticRegression.fromJSON(json).predictProba(fixtureLoans().rows.slice(0, 10)));
  },
});
