import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { adam } from './adam.js';

describe('adam', () => {
  it('matches two hand-computed steps (Kingma & Ba, Algorithm 1)', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.1];
    const g1 = [0.5, -1];
    const g2 = [0.25, 2];
    const [u1, u2] = runUpdates(adam({ learningRate: lr }), { w: [1, -2] }, [{ w: g1 }, { w: g2 }]);
    // Step 1: mu = 0.1 g1, nu = 0.001 g1^2; bias-corrected they are g1 and g1^2, so the
    // update is -lr * g1 / (|g1| + eps) = -lr * sign(g1) (up to eps).
    expectClose(u1?.w, [-0.1 * (0.5 / (0.5 + eps)), 0.1 * (1 / (1 + eps))]);
    // Step 2: mu = 0.9 * 0.1 g1 + 0.1 g2 = [0.07, 0.11];
    //         nu = 0.999 * 0.001 g1^2 + 0.001 g2^2 = [0.00031225, 0.004999];
    //         corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999.
    const mu = [0.07, 0.11];
    const nu = [0.00031225, 0.004999];
    const expected = mu.map((m, i) => -lr * (m / (1 - b1 ** 2)) / (Math.sqrt((nu[i] as number) / (1 - b2 ** 2)) + eps));
    // ≈ [-0.0932180, -0.0366104]
    expectClose(u2?.w, expected, 1e-6, 1e-5);
    expect(expected[0]).toBeCloseTo(-0.093218, 6);
  });

  it('epsilonRoot is added inside the square root', () => {
    // Step 1 with g = 0.5: mu_hat = 0.5, nu_hat = 0.25; update = -1 * 0.5 / (sqrt(0.25 + 0.75) + 0) = -0.5.
    const [u1] = runUpdates(adam({ learningRate: 1, epsilon: 0, epsilonRoot: 0.75 }), { w: [0] }, [{ w: [0.5] }]);
    expectClose(u1?.w, [-0.5]);
  });

  it('defaults to learning rate 1e-3', () => {
    const [u1] = runUpdates(adam(), { w: [0] }, [{ w: [2] }]);
    expectClose(u1?.w, [-1e-3], 1e-9);
  });

  it('rejects beta outside [0, 1)', () => {
    expect(() => adam({ beta1: 1.5 })).toThrow('Invalid value for `beta1` in scaleByAdam. Expected a number in [0, 1). Received: 1.5.');
  });
});
