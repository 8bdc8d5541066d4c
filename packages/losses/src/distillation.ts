import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { defineLoss, type Loss } from './loss.js';
import { assertKnownOptions, assertNumberInRange } from './validate.js';

/** Options of `distillationLoss`. */
export interface DistillationOptions {
  /**
   * Softmax temperature T applied to both the teacher's and the student's logits in the soft
   * term: larger T spreads the teacher's probability over the wrong classes, which is what the
   * student learns from. Default 4.
   */
  temperature?: number;
  /**
   * Weight of the hard-label cross-entropy; the soft term gets `1 - alpha`. Default 0.1 (as in
   * Keras' knowledge-distillation example). 0 learns from the teacher only.
   */
  alpha?: number;
}

/**
 * Knowledge distillation (Hinton, Vinyals and Dean 2015): per sample,
 * `alpha × CE(label, softmax(s)) + (1 − alpha) × T² × KL(softmax(t / T) ‖ softmax(s / T))`,
 * where `s` are the student's logits (`yPred`, `[batch, classes]`), `t` the teacher's and T
 * the temperature. T² keeps the soft term's gradients on the scale of the hard term's as T
 * changes (the gradient of the softened term shrinks as 1/T²).
 *
 * `yTrue` carries the teacher's logits and the label side by side (`distillationTargets`
 * builds it, once for the whole training set, so `fit` batches and shuffles it like any
 * target): `[batch, classes + 1]` with an integer class label in the last column, or
 * `[batch, 2 × classes]` with one-hot (or probability) targets after the logits. Both logit
 * sets are log-softmaxed, so the loss is stable for any finite logits.
 *
 * @example
 * const teacherLogits = teacher.apply(x) as tf.Tensor;           // [n, 10]
 * const y = distillationTargets(teacherLogits, labels);          // [n, 11]
 * await fit(student, { x, y }, { loss: distillationLoss({ temperature: 4, alpha: 0.1 }), optimizer: adam() });
 */
export function distillationLoss(options: DistillationOptions = {}): Loss {
  const name = 'distillationLoss';
  assertKnownOptions(name, options, ['temperature', 'alpha']);
  const temperature = assertNumberInRange(name, 'temperature', options.temperature ?? 4, { min: 0, max: Infinity, minInclusive: false });
  const alpha = assertNumberInRange(name, 'alpha', options.alpha ?? 0.1, { min: 0, max: 1 });
  return defineLoss(name, { temperature, alpha }, (yTrue, yPred) => {
    if (yPred.rank !== 2 || (yPred.shape[1] as number) < 2) throw invalidValue('yPred', name, "the student's logits, shape [batch, classes] with classes >= 2", yPred.shape);
    const [batch, classes] = yPred.shape as [number, number];
    const width = yTrue.shape[1];
    if (yTrue.rank !== 2 || yTrue.shape[0] !== batch || (width !== classes + 1 && width !== 2 * classes)) {
      throw invalidValue(
        'yTrue',
        name,
        `[${batch}, ${classes + 1}] (teacher logits, then the class label) or [${batch}, ${2 * classes}] (teacher logits, then one-hot targets), as distillationTargets makes`,
        yTrue.shape,
      );
    }
    const sparse = width === classes + 1;
    if (sparse && alpha > 0) {
      // A silent out-of-range label would give a zero hard loss: check them (one small download).
      const labels = tf.tidy(() => tf.slice(yTrue, [0, classes], [batch, 1]).dataSync());
      labels.forEach((label, row) => {
        if (!Number.isInteger(label) || label < 0 || label >= classes) throw invalidValue('yTrue', name, `integer class labels in [0, ${classes}) in the last column`, `${label} in row ${row}`);
      });
    }
    return tf.tidy(() => {
      const target = tf.cast(yTrue, 'float32');
      const teacher = tf.slice(target, [0, 0], [batch, classes]);
      const hardTargets = sparse ? tf.oneHot(tf.cast(tf.reshape(tf.slice(target, [0, classes], [batch, 1]), [batch]), 'int32'), classes) : tf.slice(target, [0, classes], [batch, classes]);
      const hard = tf.neg(tf.sum(tf.mul(hardTargets, tf.logSoftmax(yPred)), -1));
      const teacherLog = tf.logSoftmax(tf.div(teacher, temperature));
      const studentLog = tf.logSoftmax(tf.div(yPred, temperature));
      const kl = tf.sum(tf.mul(tf.exp(teacherLog), tf.sub(teacherLog, studentLog)), -1);
      return tf.add(tf.mul(hard, alpha), tf.mul(kl, (1 - alpha) * temperature * temperature)) as tf.Tensor1D;
    });
  });
}

/**
 * The targets `distillationLoss` reads: the teacher's logits `[n, classes]` and the labels side
 * by side — integer labels (`[n]` or `[n, 1]`) give `[n, classes + 1]`, one-hot targets
 * (`[n, classes]`) give `[n, 2 × classes]`. The caller owns the result.
 *
 * @example
 * const y = distillationTargets(teacher.apply(x) as tf.Tensor, tf.tensor1d([3, 7], 'int32')); // [2, 11]
 */
export function distillationTargets(teacherLogits: tf.Tensor, labels: tf.Tensor): tf.Tensor2D {
  const where = 'distillationTargets';
  if (teacherLogits.rank !== 2 || (teacherLogits.shape[1] as number) < 2) throw invalidValue('teacherLogits', where, 'a tensor of shape [n, classes] with classes >= 2', teacherLogits.shape);
  const [n, classes] = teacherLogits.shape as [number, number];
  const sparse = (labels.rank === 1 && labels.shape[0] === n) || (labels.rank === 2 && labels.shape[0] === n && labels.shape[1] === 1);
  const oneHot = labels.rank === 2 && labels.shape[0] === n && labels.shape[1] === classes;
  if (!sparse && !oneHot) throw invalidValue('labels', where, `integer labels [${n}] or [${n}, 1], or one-hot targets [${n}, ${classes}]`, labels.shape);
  return tf.tidy(() => tf.concat([tf.cast(teacherLogits, 'float32'), tf.cast(sparse ? tf.reshape(labels, [n, 1]) : labels, 'float32')], 1) as tf.Tensor2D);
}
