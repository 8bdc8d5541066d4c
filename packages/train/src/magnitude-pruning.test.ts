import * as tf from '@tensorflow/tfjs-core';
import { dense, sequential } from '@loom-ml/layers';
import { adam } from '@loom-ml/optimizers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { meanSquaredError } from '../test/doubles.js';
import type { Callback } from './callback.js';
import { fit } from './fit.js';
import { magnitudePruning } from './magnitude-pruning.js';
import { constantSparsity, polynomialDecaySparsity } from './pruning-schedule.js';

describe('polynomialDecaySparsity', () => {
  it("follows TF-MOT's PolynomialDecay: final + (initial - final)(1 - p)^power, masks every `frequency` steps in [begin, end]", () => {
    const schedule = polynomialDecaySparsity({ initialSparsity: 0.5, finalSparsity: 0.9, beginStep: 100, endStep: 1100, power: 3, frequency: 100 });
    // Worked out by hand from the formula: p = (step - 100) / 1000, clipped to [0, 1].
    const table: [number, boolean, number][] = [
      [0, false, 0.5],
      [99, false, 0.5],
      [100, true, 0.5],
      [600, true, 0.9 - 0.4 * 0.5 ** 3], // 0.85
      [650, false, 0.9 - 0.4 * 0.45 ** 3], // 0.86355
      [1000, true, 0.9 - 0.4 * 0.1 ** 3], // 0.8996
      [1100, true, 0.9],
      [1200, false, 0.9],
    ];
    for (const [step, prune, sparsity] of table) {
      const decision = schedule(step);
      expect(decision.prune).toBe(prune);
      expect(decision.sparsity).toBeCloseTo(sparsity, 12);
    }
    const defaults = polynomialDecaySparsity({ finalSparsity: 0.8, endStep: 1000 }); // initial 0, begin 0, power 3, every 100 steps
    expect(defaults(500).prune).toBe(true);
    expect(defaults(500).sparsity).toBeCloseTo(0.7, 12);
    expect(defaults(550).prune).toBe(false);
  });

  it('constantSparsity prunes to one sparsity on its steps', () => {
    const schedule = constantSparsity({ targetSparsity: 0.3, beginStep: 10, endStep: 30, frequency: 10 });
    expect([5, 10, 15, 20, 30, 40].map((s) => schedule(s).prune)).toEqual([false, true, false, true, true, false]);
    expect(schedule(40).sparsity).toBe(0.3);
  });

  it('refuses bad options with a named error', () => {
    expect(() => polynomialDecaySparsity({ finalSparsity: 1, endStep: 10 })).toThrow('Invalid value for `finalSparsity` in polynomialDecaySparsity. Expected a sparsity in [0, 1). Received: 1.');
    expect(() => polynomialDecaySparsity({ finalSparsity: 0.5, beginStep: 10, endStep: 10 })).toThrow('Invalid value for `endStep` in polynomialDecaySparsity. Expected an integer >= 11. Received: 10.');
    expect(() => polynomialDecaySparsity({ finalSparsity: 0.5, endStep: 10, frequency: 0 })).toThrow('Expected an integer >= 1. Received: 0.');
    expect(() => polynomialDecaySparsity({ finalSparsity: 0.5, endStep: 10, power: -1 })).toThrow('Invalid value for `power`');
    expect(() => constantSparsity({ targetSparsity: -0.1 })).toThrow('Invalid value for `targetSparsity` in constantSparsity.');
    expect(() => magnitudePruning({} as never)).toThrow('Invalid value for `schedule` in magnitudePruning. Expected a pruning schedule (polynomialDecaySparsity or constantSparsity).');
  });
});

function problem() {
  const x = tf.randomUniform([64, 6], -1, 1, 'float32', 11);
  const y = tf.tidy(() => tf.matMul(x, tf.randomUniform([6, 2], -1, 1, 'float32', 12)));
  const model = sequential([
    dense({ units: 16, activation: 'tanh', inputShape: [6], name: 'hidden', kernelInitializer: { name: 'glorotUniform', seed: 1 } }),
    dense({ units: 2, name: 'out', kernelInitializer: { name: 'glorotUniform', seed: 2 } }),
  ]);
  return { x, y, model };
}

const zerosOf = (variable: tf.Variable) => Array.from(variable.dataSync()).flatMap((v, i) => (v === 0 ? [i] : []));

describe('magnitudePruning', () => {
  it('prunes kernels to the scheduled sparsity by magnitude, keeps the pruned values at exactly zero through fine-tuning, and leaks nothing', async () => {
    const { x, y, model } = problem();
    const [hiddenKernel, hiddenBias, outKernel] = model.weights.map((w) => w.variable);
    // 64 samples, batch 8: 8 steps per epoch. Masks every 5 steps from 0 to 20, then fixed.
    const pruning = magnitudePruning({ schedule: polynomialDecaySparsity({ finalSparsity: 0.5, endStep: 20, frequency: 5 }) });
    // At every batch end after step 20, the zeros must sit exactly where they were at step 20.
    const frozen: { at: number; zeros: number[] }[] = [];
    const watcher: Callback = {
      onBatchEnd: () => {
        if (pruning.step >= 20) frozen.push({ at: pruning.step, zeros: zerosOf(hiddenKernel!) });
      },
    };
    const magnitudesAt0 = Array.from(hiddenKernel!.dataSync(), Math.abs);
    await expectNoLeakedTensors(() => fit(model, { x, y }, { loss: meanSquaredError, optimizer: adam({ learningRate: 0.01 }), epochs: 5, batchSize: 8, seed: 3, callbacks: [pruning, watcher] }));
    expect(pruning.step).toBe(40);
    const report = pruning.report();
    expect(report.map((r) => [r.path, r.size, r.zeros, r.target])).toEqual([
      ['hidden/kernel', 96, 48, 0.5],
      ['out/kernel', 32, 16, 0.5],
    ]);
    expect(report[0]!.sparsity).toBe(0.5);
    expect(pruning.summary()).toMatch(/^hidden\/kernel +96 values +50\.0% zero\nout\/kernel +32 values +50\.0% zero\ntotal +128 values +50\.0% zero$/);
    expect(zerosOf(hiddenBias!)).toEqual([]); // biases are not pruned
    expect(frozen.length).toBe(21);
    for (const { zeros } of frozen) expect(zeros).toEqual(frozen[0]!.zeros);
    // The step-0 mask (initial sparsity 0) prunes nothing; the first real cut at step 5 took the
    // smallest magnitudes then, so the pruned set is mostly small at step 0 too.
    const pruned = new Set(frozen[0]!.zeros);
    const meanPruned = [...pruned].reduce((a, i) => a + magnitudesAt0[i]!, 0) / pruned.size;
    const meanKept = magnitudesAt0.filter((_, i) => !pruned.has(i)).reduce((a, b) => a + b, 0) / (96 - pruned.size);
    expect(meanPruned).toBeLessThan(meanKept);

    // Fine-tuning: a second fit with the same callback (past endStep: masks fixed). Adam's moments
    // are fresh, the kept weights move, the pruned ones stay exactly zero.
    const before = Array.from(outKernel!.dataSync());
    const zerosBefore = zerosOf(outKernel!);
    await expectNoLeakedTensors(() => fit(model, { x, y }, { loss: meanSquaredError, optimizer: adam({ learningRate: 0.01 }), epochs: 3, batchSize: 8, seed: 4, callbacks: [pruning] }));
    expect(zerosOf(outKernel!)).toEqual(zerosBefore);
    expect(Array.from(outKernel!.dataSync()).some((v, i) => v !== before[i])).toBe(true);

    // Without the callback the same fine-tuning moves the pruned weights off zero: the masks do the work.
    await fit(model, { x, y }, { loss: meanSquaredError, optimizer: adam({ learningRate: 0.01 }), epochs: 1, batchSize: 8, seed: 5 });
    expect(zerosOf(outKernel!).length).toBeLessThan(zerosBefore.length);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('zeros exactly round(size × sparsity) values, the smallest in magnitude', async () => {
    const { x, y, model } = problem();
    const kernel = model.weights[0]!.variable;
    const values = Array.from({ length: 96 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i + 1) * 0.01); // magnitudes 0.01 .. 0.96
    kernel.assign(tf.tensor(values, [6, 16]));
    const pruning = magnitudePruning({ schedule: constantSparsity({ targetSparsity: 0.3, frequency: 1000 }), weights: ['hidden/kernel'] });
    // Step 0 is pruned when training begins; a learning rate of 0 leaves the weights where they are.
    await fit(model, { x, y }, { loss: meanSquaredError, optimizer: adam({ learningRate: 0 }), epochs: 1, batchSize: 64, callbacks: [pruning] });
    // round(96 × 0.3) = 29: the 29 smallest magnitudes (indices 0..28) are zero, no others.
    expect(zerosOf(kernel)).toEqual(Array.from({ length: 29 }, (_, i) => i));
    expect(pruning.report()).toEqual([{ path: 'hidden/kernel', size: 96, zeros: 29, sparsity: 29 / 96, target: 0.3 }]);
    expect(() => magnitudePruning({ schedule: constantSparsity({ targetSparsity: 0.3 }), weights: 'hidden' as never })).toThrow('Invalid value for `weights` in magnitudePruning.');
    const missing = magnitudePruning({ schedule: constantSparsity({ targetSparsity: 0.3 }), weights: ['nope/kernel'] });
    await expect(fit(model, { x, y }, { loss: meanSquaredError, optimizer: 'sgd', callbacks: [missing] })).rejects.toThrow(
      "Invalid value for `weights` in magnitudePruning. Expected paths of trainable weights of 'sequential",
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});
