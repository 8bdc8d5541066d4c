import { expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as nodeApi from '../src/node.js';
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
      'selectTopK',
      'serializeRecommender',
      'tfidfWeight',
      'timeSplit',
    ].sort(),
  );
});

it('exports only save/load (with file paths) from the Node entry', () => {
  expect(Object.keys(nodeApi).sort()).toEqual(['loadRecommender', 'saveRecommender']);
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
