// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's gradients ship separately; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { deserializeFraudModel, IsolationForest, loadFraudModel, LogisticRegression, rocAuc, saveFraudModel, serializeFraudModel, type LogisticRegressionJSON } from '@loom-ml/fraud-detection';
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

  /** Fits an isolation forest, saves it to IndexedDB and returns its scores of the first rows. */
  async saveForestToIndexedDb(name: string) {
    const rows = fixtureLoans().rows;
    const forest = new IsolationForest({ trees: 20, seed: 1 }).fit(rows);
    await saveFraudModel(forest, `indexeddb://${name}`);
    return Array.from(forest.score(rows.slice(0, 10)));
  },

  /** Loads what saveForestToIndexedDb stored (after a reload) and scores the same rows. */
  async scoreWithStoredForest(name: string) {
    const forest = (await loadFraudModel(`indexeddb://${name}`)) as IsolationForest;
    return Array.from(forest.score(fixtureLoans().rows.slice(0, 10)));
  },

  /** Loads a model file written in Node from a URL and scores; and the bytes of a model saved here. */
  async exchangeBytes(url: string) {
    const fromNode = (await loadFraudModel(url, { signal: AbortSignal.timeout(10_000) })) as LogisticRegression;
    const rows = fixtureLoans().rows.slice(0, 10);
    const forest = new IsolationForest({ trees: 10, seed: 2 }).fit(fixtureLoans().rows);
    const bytes = serializeFraudModel(forest);
    return { nodeModelScores: Array.from(fromNode.predictProba(rows)), forestBytes: Array.from(bytes), forestScores: Array.from((deserializeFraudModel(bytes) as IsolationForest).score(rows)) };
  },
});
