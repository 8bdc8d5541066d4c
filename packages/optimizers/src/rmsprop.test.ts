import { describe, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { rmsprop } from './rmsprop.js';

const params = { w: [1, -2] };
const g1 = [0.5, -1];
const g2 = [0.25, 2];

describe('rmsprop', () => {
  it('plain: nu = 0.9 nu + 0.1 g^2, update = -lr g / sqrt(nu + eps)', () => {
    const [u1, u2] = runUpdates(rmsprop({ learningRate: 0.1 }), params, [{ w: g1 }, { w: g2 }]);
    const nu1 = g1.map((g) => 0.1 * g * g); // [0.025, 0.1]
    expectClose(u1?.w, g1.map((g, i) => (-0.1 * g) / Math.sqrt((nu1[i] as number) + 1e-8))); // ≈ [-0.316228, 0.316228]
    const nu2 = g2.map((g, i) => 0.9 * (nu1[i] as number) + 0.1 * g * g); // [0.02875, 0.49]
    expectClose(u2?.w, g2.map((g, i) => (-0.1 * g) / Math.sqrt((nu2[i] as number) + 1e-8))); // ≈ [-0.147442, -0.285714]
  });

  it('centered: divides by sqrt(nu - mu^2 + eps)', () => {
    const [u1] = runUpdates(rmsprop({ learningRate: 0.1, centered: true }), params, [{ w: g1 }]);
    // mu = [0.05, -0.1], nu = [0.025, 0.1], variance = [0.0225, 0.09] -> sqrt = [0.15, 0.3]
    expectClose(u1?.w, [-0.1 * (0.5 / 0.15), -0.1 * (-1 / 0.3)], 1e-5, 1e-5);
  });

  it('momentum is applied after the learning rate: trace = u + 0.9 trace', () => {
    const [u1, u2] = runUpdates(rmsprop({ learningRate: 0.1, momentum: 0.9 }), params, [{ w: g1 }, { w: g2 }]);
    const nu1 = [0.025, 0.1];
    const nu2 = [0.02875, 0.49];
    const a = g1.map((g, i) => (-0.1 * g) / Math.sqrt((nu1[i] as number) + 1e-8));
    const b = g2.map((g, i) => (-0.1 * g) / Math.sqrt((nu2[i] as number) + 1e-8));
    expectClose(u1?.w, a);
    expectClose(u2?.w, b.map((x, i) => x + 0.9 * (a[i] as number)));
  });
});
