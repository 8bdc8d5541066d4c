import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented public API', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'LOSS_NAMES',
      'LoomError',
      'LossError',
      'binaryCrossentropy',
      'binaryFocalCrossentropy',
      'bprLoss',
      'categoricalCrossentropy',
      'categoricalFocalCrossentropy',
      'computeLoss',
      'cosineSimilarity',
      'defineLoss',
      'distillationLoss',
      'distillationTargets',
      'getLoss',
      'hinge',
      'huber',
      'klDivergence',
      'logQCorrection',
      'meanAbsoluteError',
      'meanSquaredError',
      'poisson',
      'probabilityEpsilon',
      'sampledSoftmaxLoss',
      'sparseCategoricalCrossentropy',
      'squaredHinge',
    ].sort(),
  );
  const error = (() => {
    try {
      api.getLoss('nope');
    } catch (caught) {
      return caught;
    }
  })();
  expect(api.LoomError.isInstance(error)).toBe(true);
  expect(error).toBeInstanceOf(api.LossError);
  // The marker, not the class, makes it a Loom error (works across package copies).
  expect(api.LoomError.isInstance({ [Symbol.for('loom-ml.error')]: true })).toBe(true);
});
