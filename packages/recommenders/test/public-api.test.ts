import { expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as nodeApi from '../src/node.js';
import * as sparkApi from '../src/spark.js';
import { LoomError, RecommenderError } from '../src/index.js';

it('exports exactly the documented runtime API', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'BprMf',
      'CsrMatrix',
      'ExplicitMf',
      'NegativeSampler',
      'PairwiseMf',
      'WarpMf',
      'IdMapping',
      'ImplicitAls',
      'ItemKnnRecommender',
      'LoomError',
      'PopularityRecommender',
      'RecommenderError',
      'TopKIndex',
      'TwoTower',
      'inBatchSoftmaxLoss',
      'multiHotEncode',
      'bm25Weight',
      'buildInteractions',
      'confidenceWeight',
      'createRng',
      'deserializeRecommender',
      'evaluateRecommender',
      'formatMetricsTable',
      'leaveKOut',
      'loadRecommender',
      'randomSplit',
      'saveRecommender',
      'seededRandom',
      'selectTopK',
      'serializeRecommender',
      'tfidfWeight',
      'timeSplit',
    ].sort(),
  );
});

it('exports only the file-path functions from the Node entry', () => {
  expect(Object.keys(nodeApi).sort()).toEqual(['loadRecommender', 'readSparkAls', 'saveRecommender', 'writeSparkAls']);
});

it('exports the Spark ALS functions from the spark entry', () => {
  expect(Object.keys(sparkApi).sort()).toEqual(
    ['SPARK_FACTORS_ROW_METADATA', 'SPARK_FACTORS_SCHEMA', 'alsToSparkFiles', 'parseSparkAlsMetadata', 'readSparkFactors', 'sparkAlsMetadata', 'sparkAlsRecommender', 'sparkFactorsToParquet'].sort(),
  );
});

it('errors carry the shared Loom marker', () => {
  const error = (() => {
    try {
      new api.ImplicitAls({ factors: -3 });
    } catch (e) {
      return e;
    }
  })();
  expect(error).toBeInstanceOf(RecommenderError);
  expect(LoomError.isInstance(error)).toBe(true);
  // Recognised by marker, as for an error thrown by another Loom package or copy.
  const foreign = Object.assign(new Error('x'), { [Symbol.for('loom-ml.error')]: true });
  expect(LoomError.isInstance(foreign)).toBe(true);
  expect(LoomError.isInstance(new Error('plain'))).toBe(false);
});
