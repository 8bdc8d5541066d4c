import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { sgd } from './sgd.js';

// Shared case: params p = [1, -2], gradients g1 = [0.5, -1], then g2 = [0.25, 2].
const params = { w: [1, -2] };
const grads = [{ w: [0.5, -1] }, { w: [0.25, 2] }];

describe('sgd', () => {
  it('plain: update = -lr * g', () => {
    const [u1, u2] = runUpdates(sgd({ learningRate: 0.1 }), params, grads);
    expectClose(u1?.w, [-0.05, 0.1]);
    expectClose(u2?.w, [-0.025, -0.2]);
  });

  it('momentum: trace = g + 0.9 trace, update = -lr * trace', () => {
    const [u1, u2] = runUpdates(sgd({ learningRate: 0.1, momentum: 0.9 }), params, grads);
    // trace1 = g1 = [0.5, -1]
    expectClose(u1?.w, [-0.05, 0.1]);
    // trace2 = [0.25 + 0.9*0.5, 2 + 0.9*(-1)] = [0.7, 1.1]
    expectClose(u2?.w, [-0.07, -0.11]);
  });

  it('nesterov: update = -lr * (g + 0.9 * new trace)', () => {
    const [u1, u2] = runUpdates(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), params, grads);
    // trace1 = g1; g1 + 0.9 g1 = [0.95, -1.9]
    expectClose(u1?.w, [-0.095, 0.19]);
    // trace2 = [0.7, 1.1]; g2 + 0.9 trace2 = [0.25 + 0.63, 2 + 0.99] = [0.88, 2.99]
    expectClose(u2?.w, [-0.088, -0.299]);
  });

  it('accepts a schedule evaluated at the 0-based step', () => {
    const [u1, u2] = runUpdates(sgd({ learningRate: (step) => 0.1 / (step + 1) }), params, grads);
    expectClose(u1?.w, [-0.05, 0.1]); // lr(0) = 0.1
    expectClose(u2?.w, [-0.0125, -0.1]); // lr(1) = 0.05
  });

  it('rejects a bad learning rate with the standard message', () => {
    expect(() => sgd({ learningRate: -1 })).toThrow(
      'Invalid value for `learningRate` in sgd. Expected a non-negative number or a schedule function (step) => number. Received: -1.',
    );
    expect(() => sgd({ learningRate: 0.1, momentum: 1 })).toThrow(
      'Invalid value for `decay` in traceMomentum. Expected a number in [0, 1). Received: 1.',
    );
  });
});
