import { describe, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { adagrad } from './adagrad.js';

describe('adagrad', () => {
  it('s = s + g^2 (from 0.1), update = -lr g / sqrt(s + 1e-7)', () => {
    const g1 = [0.5, -1];
    const g2 = [0.25, 2];
    const [u1, u2] = runUpdates(adagrad({ learningRate: 0.1 }), { w: [1, -2] }, [{ w: g1 }, { w: g2 }]);
    const s1 = [0.1 + 0.25, 0.1 + 1]; // [0.35, 1.1]
    const s2 = [0.35 + 0.0625, 1.1 + 4]; // [0.4125, 5.1]
    expectClose(u1?.w, g1.map((g, i) => (-0.1 * g) / Math.sqrt((s1[i] as number) + 1e-7))); // ≈ [-0.0845154, 0.0953463]
    expectClose(u2?.w, g2.map((g, i) => (-0.1 * g) / Math.sqrt((s2[i] as number) + 1e-7))); // ≈ [-0.0389249, -0.0885615]
  });

  it('gives a zero (not NaN) update where the accumulator is zero', () => {
    const [u1] = runUpdates(adagrad({ learningRate: 0.1, initialAccumulatorValue: 0 }), { w: [1, 1] }, [{ w: [0, 2] }]);
    expectClose(u1?.w, [0, -0.1 * (2 / Math.sqrt(4 + 1e-7))]);
  });
});
