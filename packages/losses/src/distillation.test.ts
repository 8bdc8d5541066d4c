import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { distillationLoss, distillationTargets, getLoss, sparseCategoricalCrossentropy } from './index.js';

/** The loss in float64 plain JavaScript, straight from the definition (Hinton et al. 2015). */
function reference(student: number[], teacher: number[], label: number, temperature: number, alpha: number): number {
  const logSoftmax = (z: number[]) => {
    const max = Math.max(...z);
    const log = Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0)) + max;
    return z.map((v) => v - log);
  };
  const hard = -logSoftmax(student)[label]!;
  const p = logSoftmax(teacher.map((v) => v / temperature));
  const q = logSoftmax(student.map((v) => v / temperature));
  const kl = p.reduce((a, lp, i) => a + Math.exp(lp) * (lp - q[i]!), 0);
  return alpha * hard + (1 - alpha) * temperature ** 2 * kl;
}

const student = [
  [2.0, -1.0, 0.5, 0.1],
  [-0.3, 0.8, 1.9, -2.2],
  [0.0, 0.0, 0.0, 0.0],
];
const teacher = [
  [3.1, -2.0, 1.2, 0.4],
  [-1.0, 0.2, 4.0, -3.0],
  [0.5, -0.5, 2.5, 1.0],
];
const labels = [0, 2, 3];

describe('distillationLoss', () => {
  it('equals alpha × CE + (1 − alpha) × T² × KL(teacher_T ‖ student_T) from a float64 reference, sparse and one-hot', () => {
    for (const [temperature, alpha] of [[1, 0.5], [4, 0.1], [10, 0], [2, 1]] as const) {
      const loss = distillationLoss({ temperature, alpha });
      const expected = labels.map((label, i) => reference(student[i]!, teacher[i]!, label, temperature, alpha));
      const got = expectNoLeakedTensors(() =>
        tf.tidy(() => {
          const sparse = distillationTargets(tf.tensor2d(teacher), tf.tensor1d(labels, 'int32'));
          const oneHot = distillationTargets(tf.tensor2d(teacher), tf.oneHot(tf.tensor1d(labels, 'int32'), 4));
          expect(sparse.shape).toEqual([3, 5]);
          expect(oneHot.shape).toEqual([3, 8]);
          return [sparse, oneHot].map((y) => Array.from(loss.perSample(y, tf.tensor2d(student)).dataSync()));
        }),
      );
      // float32 against float64: 1e-5 relative.
      for (const values of got) values.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[i]!))));
    }
  });

  it('alpha = 1 is sparse categorical cross-entropy from logits; a student equal to its teacher costs nothing with alpha = 0', () => {
    tf.tidy(() => {
      const y = distillationTargets(tf.tensor2d(teacher), tf.tensor1d(labels, 'int32'));
      const hard = sparseCategoricalCrossentropy({ fromLogits: true }).perSample(tf.tensor1d(labels, 'int32'), tf.tensor2d(student));
      const alphaOne = distillationLoss({ alpha: 1 }).perSample(y, tf.tensor2d(student));
      Array.from(alphaOne.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(hard.dataSync()[i]!, 5));
      const same = distillationLoss({ alpha: 0, temperature: 3 }).perSample(y, tf.tensor2d(teacher));
      Array.from(same.dataSync()).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    });
  });

  it("the soft term's gradient is (1 − alpha) × T × (softmax(s/T) − softmax(t/T)): T² keeps it on the hard term's scale", () => {
    for (const temperature of [1, 5, 20]) {
      tf.tidy(() => {
        const y = distillationTargets(tf.tensor2d(teacher), tf.tensor1d(labels, 'int32'));
        const loss = distillationLoss({ temperature, alpha: 0.25 });
        const grad = tf.grad((s: tf.Tensor) => tf.sum(loss.perSample(y, s)))(tf.tensor2d(student));
        const hardGrad = tf.sub(tf.softmax(tf.tensor2d(student)), tf.oneHot(tf.tensor1d(labels, 'int32'), 4));
        const softGrad = tf.mul(tf.sub(tf.softmax(tf.div(tf.tensor2d(student), temperature)), tf.softmax(tf.div(tf.tensor2d(teacher), temperature))), temperature);
        const expected = tf.add(tf.mul(hardGrad, 0.25), tf.mul(softGrad, 0.75));
        const gap = tf.max(tf.abs(tf.sub(grad, expected))).dataSync()[0]!;
        expect(gap).toBeLessThan(1e-5);
      });
    }
    // And against finite differences.
    const y = distillationTargets(tf.tensor2d(teacher), tf.tensor1d(labels, 'int32'));
    const s = tf.tensor2d(student);
    const result = checkGradients((x) => tf.sum(distillationLoss({ temperature: 3, alpha: 0.3 }).perSample(y, x)), [s]);
    expect(result.mismatches).toEqual([]);
    tf.dispose([y, s]);
  });

  it('stays finite for logits of ±1e4', () => {
    tf.tidy(() => {
      const extreme = tf.tensor2d([[1e4, -1e4, 0], [-1e4, 1e4, 5e3]]);
      const y = distillationTargets(tf.tensor2d([[-1e4, 1e4, 0], [1e4, -1e4, 0]]), tf.tensor1d([1, 0], 'int32'));
      const loss = distillationLoss({ temperature: 2, alpha: 0.5 });
      const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => tf.sum(loss.perSample(y, s)) as tf.Scalar)(extreme);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('refuses bad options and targets with named errors, and round-trips through getLoss', () => {
    expect(() => distillationLoss({ temperature: 0 })).toThrow('Invalid value for `temperature` in distillationLoss. Expected a number in (0, Infinity). Received: 0.');
    expect(() => distillationLoss({ alpha: 1.5 })).toThrow('Invalid value for `alpha` in distillationLoss. Expected a number in [0, 1]. Received: 1.5.');
    expect(() => distillationLoss({ temp: 2 } as never)).toThrow('distillationLoss');
    tf.tidy(() => {
      const loss = distillationLoss();
      expect(() => loss.perSample(tf.zeros([3, 4]), tf.zeros([3, 4]))).toThrow(
        'Invalid value for `yTrue` in distillationLoss. Expected [3, 5] (teacher logits, then the class label) or [3, 8] (teacher logits, then one-hot targets), as distillationTargets makes. Received: [3, 4].',
      );
      expect(() => loss.perSample(tf.tensor2d([[0, 0, 0, 0, 4]]), tf.zeros([1, 4]))).toThrow('Expected integer class labels in [0, 4) in the last column. Received: \'4 in row 0\'.');
      expect(() => loss.perSample(tf.zeros([1, 2]), tf.zeros([1, 1]))).toThrow("Expected the student's logits, shape [batch, classes] with classes >= 2");
      expect(() => distillationTargets(tf.zeros([3, 4]), tf.zeros([2]))).toThrow('Invalid value for `labels` in distillationTargets. Expected integer labels [3] or [3, 1], or one-hot targets [3, 4]. Received: [2].');
    });
    const copy = getLoss({ name: 'distillationLoss', config: distillationLoss({ temperature: 7, alpha: 0.2 }).getConfig() });
    expect(copy.getConfig()).toEqual({ temperature: 7, alpha: 0.2 });
  });
});
