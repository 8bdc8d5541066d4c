import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { differentiallyPrivateAggregate, dpSgd, privatizePerExampleGradients } from './dp-aggregate.js';
import { Optimizer } from './optimizer.js';
import { collectTensors } from './tree.js';

const values = (t: tf.Tensor | undefined): number[] => Array.from(t?.dataSync() ?? []);

describe('privatizePerExampleGradients', () => {
  it('clips each example by its norm over all parameters, sums, divides by the batch (no noise)', () => {
    // Example 0: a = [3, 0], b = [4] -> joint norm 5 -> scaled by 1/5 -> a = [0.6, 0], b = [0.8]
    // Example 1: a = [0.3, 0], b = [0.4] -> norm 0.5 <= 1 -> unchanged
    // Mean over the batch of 2: a = [0.45, 0], b = [0.6]
    const perExample = { a: tf.tensor2d([[3, 0], [0.3, 0]]), b: tf.tensor2d([[4], [0.4]]) };
    const before = tf.memory().numTensors;
    const out = privatizePerExampleGradients(perExample, { l2NormClip: 1, noiseMultiplier: 0, seed: 0 });
    expect(tf.memory().numTensors - before).toBe(2); // only the two results
    expect(out.a?.shape).toEqual([2]);
    expect(out.b?.shape).toEqual([1]);
    expectClose(values(out.a), [0.45, 0]);
    expectClose(values(out.b), [0.6]);
    tf.dispose([...Object.values(out), ...Object.values(perExample)]);
  });

  it('adds N(0, (sigma C)^2) noise before dividing by the batch, reproducible by seed', () => {
    // Zero gradients isolate the noise: result = noise / batch, std = sigma * C / batch = 2 * 0.5 / 4 = 0.25.
    const perExample = { w: tf.zeros([4, 20000]) };
    const options = { l2NormClip: 0.5, noiseMultiplier: 2, seed: 7 };
    const first = privatizePerExampleGradients(perExample, options);
    const again = privatizePerExampleGradients(perExample, options);
    const other = privatizePerExampleGradients(perExample, { ...options, seed: 8 });
    const x = values(first.w);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    // With 20000 samples the standard errors are 0.25/sqrt(20000) = 0.0018 (mean) and about 0.5% (std).
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 0.25) / 0.25).toBeLessThan(0.03);
    expect(values(again.w)).toEqual(x);
    expect(values(other.w)).not.toEqual(x);
    tf.dispose([...Object.values(first), ...Object.values(again), ...Object.values(other), perExample.w]);
  });

  it('names a parameter whose batch dimension differs', () => {
    const perExample = { a: tf.zeros([2, 3]), b: tf.zeros([3, 1]) };
    expect(() => privatizePerExampleGradients(perExample, { l2NormClip: 1, noiseMultiplier: 1, seed: 0 })).toThrow(
      "Invalid value for `perExampleGrads.b` in privatizePerExampleGradients. Expected a tensor with the batch (2) as its first dimension. Received: 'shape [3, 1]'.",
    );
    tf.dispose(Object.values(perExample));
  });
});

describe('differentiallyPrivateAggregate / dpSgd', () => {
  it('draws fresh noise each step, and the same sequence for the same seed', () => {
    const run = (): number[][] => {
      const t = differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 1, seed: 3 });
      const grads = { w: tf.zeros([2, 3]) };
      let state = t.init({ w: tf.zeros([3]) });
      const out: number[][] = [];
      for (let i = 0; i < 2; i++) {
        const result = t.update(grads, state);
        out.push(values(result.updates.w));
        tf.dispose(Object.values(result.updates));
        state = result.state;
      }
      tf.dispose([grads.w, ...collectTensors(state)]);
      return out;
    };
    const [a, b] = run();
    expect(a).not.toEqual(b);
    expect(run()).toEqual([a, b]);
  });

  const train = (l2NormClip: number, name: string): number[] => {
    const w = tf.variable(tf.tensor1d([0, 0]), true, name);
    const optimizer = new Optimizer(dpSgd({ learningRate: 0.5, l2NormClip, noiseMultiplier: 0, seed: 0 }), [w]);
    // Per-example gradients of 0.5 ||w - target_i||^2 for targets [1, 1] and [3, 3]: w - target_i.
    const targets = tf.tensor2d([[1, 1], [3, 3]]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) {
      const perExample = tf.tidy(() => tf.sub(tf.expandDims(w, 0), targets));
      optimizer.step({ [w.name]: perExample });
      perExample.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const result = values(w);
    optimizer.dispose();
    tf.dispose([w, targets]);
    return result;
  };

  it('dpSgd trains through the Optimizer with per-example gradients and no leaks', () => {
    // A clip norm that never binds: plain SGD on the mean loss, minimum at the mean target 2.
    expectClose(train(10, 'dp/w-loose'), [2, 2], 1e-4);
  });

  it('clipping bias: with C = 1 every point of [1 + 1/sqrt(2), 3 - 1/sqrt(2)] is a fixed point', () => {
    // There both per-example gradients have norm >= 1, are clipped to opposite unit vectors
    // and cancel; coming from 0 the iterates stop at the near edge 1 + 1/sqrt(2) = 1.70711.
    expectClose(train(1, 'dp/w-clipped'), [1 + Math.SQRT1_2, 1 + Math.SQRT1_2], 1e-4);
  });
});
