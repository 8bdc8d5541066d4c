import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { decayMatricesOnly } from './add-decayed-weights.js';
import { adamw } from './adamw.js';

describe('adamw', () => {
  it('adds weightDecay * param before the learning rate (decoupled decay)', () => {
    // Step 1 Adam direction is sign(g) = [1, -1]; update = -lr * (sign(g) + wd * p).
    const [u1] = runUpdates(adamw({ learningRate: 0.1, weightDecay: 0.5 }), { w: [1, -2] }, [{ w: [0.5, -1] }]);
    // [-0.1 * (1 + 0.5 * 1), -0.1 * (-1 + 0.5 * -2)] = [-0.15, 0.2]
    expectClose(u1?.w, [-0.15, 0.2], 1e-6);
  });

  it('decays only the masked parameters (decayMatricesOnly skips biases)', () => {
    const [u1] = runUpdates(
      adamw({ learningRate: 0.1, weightDecay: 0.5, mask: decayMatricesOnly }),
      { kernel: [[1, -2]], bias: [4] },
      [{ kernel: [[0.5, -1]], bias: [3] }],
    );
    expectClose(u1?.kernel, [-0.15, 0.2], 1e-6); // decayed as above
    expectClose(u1?.bias, [-0.1], 1e-6); // -lr * sign(3), no decay of 4
  });

  it('accepts a record mask (missing names are decayed)', () => {
    const [u1] = runUpdates(adamw({ learningRate: 0.1, weightDecay: 0.5, mask: { b: false } }), { a: [2], b: [2] }, [
      { a: [1], b: [1] },
    ]);
    expectClose(u1?.a, [-0.2], 1e-6); // -0.1 * (1 + 0.5 * 2)
    expectClose(u1?.b, [-0.1], 1e-6);
  });

  it('rejects a negative weight decay', () => {
    expect(() => adamw({ weightDecay: -1 })).toThrow(
      'Invalid value for `weightDecay` in addDecayedWeights. Expected a non-negative number. Received: -1.',
    );
  });
});
