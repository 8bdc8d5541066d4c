import { describe, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { lion } from './lion.js';

describe('lion', () => {
  it('update = -lr sign(0.9 mu + 0.1 g); mu = 0.99 mu + 0.01 g', () => {
    const [u1, u2] = runUpdates(lion({ learningRate: 0.1 }), { w: [1, -2] }, [{ w: [0.5, -1] }, { w: [-0.01, 2] }]);
    // Step 1: mu = 0 -> sign(0.1 g1) = [1, -1]; then mu = 0.01 g1 = [0.005, -0.01].
    expectClose(u1?.w, [-0.1, 0.1]);
    // Step 2: 0.9 * 0.005 + 0.1 * -0.01 = 0.0035 > 0 (momentum wins over a negative gradient);
    //         0.9 * -0.01 + 0.1 * 2 = 0.191 > 0.
    expectClose(u2?.w, [-0.1, -0.1]);
  });

  it('adds decoupled weight decay when asked', () => {
    const [u1] = runUpdates(lion({ learningRate: 0.1, weightDecay: 0.5 }), { w: [1, -2] }, [{ w: [0.5, -1] }]);
    // -0.1 * ([1, -1] + 0.5 * [1, -2]) = [-0.15, 0.2]
    expectClose(u1?.w, [-0.15, 0.2]);
  });
});
