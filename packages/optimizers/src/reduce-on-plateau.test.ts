import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { chain } from './chain.js';
import { Optimizer } from './optimizer.js';
import { reduceOnPlateau, type ReduceOnPlateauState } from './reduce-on-plateau.js';
import { sgd } from './sgd.js';

/** Feeds `metrics` (undefined = a step with no report) and returns the scale applied at each step. */
function scales(options: Parameters<typeof reduceOnPlateau>[0], metrics: (number | undefined)[]): number[] {
  const transform = reduceOnPlateau(options);
  const grads = { w: tf.tensor1d([2]) };
  let state: ReduceOnPlateauState = transform.init(grads);
  const out: number[] = [];
  for (const metric of metrics) {
    const result = transform.update(grads, state, undefined, metric === undefined ? {} : { metric });
    out.push((result.updates.w as tf.Tensor).dataSync()[0] as number / 2);
    tf.dispose(Object.values(result.updates));
    state = result.state;
  }
  grads.w.dispose();
  return out;
}

describe('reduceOnPlateau', () => {
  it('multiplies the scale by factor after `patience` reports without improvement, then cools down', () => {
    // factor 0.5, patience 2, cooldown 1, rtol 1e-4:
    //  1.0     first value: best = 1                          -> 1
    //  1.0     no improvement, plateau 1                      -> 1
    //  0.99995 not below 1 * (1 - 1e-4): plateau 2 -> reduce  -> 0.5 (cooldown 1)
    //  2       cooldown consumes the report                   -> 0.5
    //  2       plateau 1                                      -> 0.5
    //  2       plateau 2 -> reduce                            -> 0.25
    //  0.5     improvement: best = 0.5                        -> 0.25
    //  (none)  no report: scale only                          -> 0.25
    expect(scales({ factor: 0.5, patience: 2, cooldown: 1 }, [1, 1, 0.99995, 2, 2, 2, 0.5, undefined])).toEqual([
      1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25,
    ]);
  });

  it("mode 'max' treats larger as better; minScale bounds the scale", () => {
    // The scale multiplies float32 gradients, so compare at float32 precision.
    expectClose(scales({ factor: 0.1, patience: 1, mode: 'max', minScale: 0.05 }, [0.8, 0.9, 0.85, 0.85]), [1, 1, 0.1, 0.05], 1e-7);
  });

  it('is fed through Optimizer.reportMetric, consumed by the next step', () => {
    const w = tf.variable(tf.tensor1d([0]), true, 'plateau/w');
    const optimizer = new Optimizer(chain(sgd({ learningRate: 1 }), reduceOnPlateau({ factor: 0.5, patience: 1 })), [w]);
    const g = tf.tensor1d([1]);
    const moves: number[] = [];
    const step = (): void => {
      const before = w.dataSync()[0] as number;
      optimizer.step({ [w.name]: g });
      moves.push((w.dataSync()[0] as number) - before);
    };
    step(); // no metric yet: -1
    optimizer.reportMetric(1);
    step(); // first report is the best so far: -1
    optimizer.reportMetric(1.5);
    step(); // one report without improvement reaches patience 1: -0.5
    step(); // nothing reported: -0.5
    expect(moves).toEqual([-1, -1, -0.5, -0.5]);
    expect(() => optimizer.reportMetric(Number.NaN)).toThrow(
      'Invalid value for `value` in Optimizer.reportMetric. Expected a number. Received: NaN.',
    );
    optimizer.dispose();
    tf.dispose([w, g]);
  });

  it('rejects a factor outside (0, 1)', () => {
    expect(() => reduceOnPlateau({ factor: 2 })).toThrow('Invalid value for `factor` in reduceOnPlateau. Expected a number in (0, 1). Received: 2.');
  });
});
