import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { adam } from './adam.js';
import { getOptimizer } from './get-optimizer.js';

describe('getOptimizer', () => {
  it('resolves names with default learning rates', () => {
    // First Adam step is -lr * sign(g); first SGD step is -lr * g.
    expectClose(runUpdates(getOptimizer('adam'), { w: [0] }, [{ w: [5] }])[0]?.w, [-1e-3], 1e-9);
    expectClose(runUpdates(getOptimizer('sgd'), { w: [0] }, [{ w: [5] }])[0]?.w, [-0.05], 1e-9);
    expectClose(runUpdates(getOptimizer('lion'), { w: [0] }, [{ w: [-5] }])[0]?.w, [1e-4], 1e-9);
    for (const name of ['adamw', 'rmsprop', 'adagrad']) expect(typeof getOptimizer(name).update).toBe('function');
  });

  it('returns a transformation unchanged', () => {
    const transform = adam({ learningRate: 0.5 });
    expect(getOptimizer(transform)).toBe(transform);
  });

  it('names the accepted identifiers', () => {
    expect(() => getOptimizer('adamax')).toThrow(
      "Invalid value for `identifier` in getOptimizer. Expected one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion' or a gradient transformation. Received: 'adamax'.",
    );
  });
});
