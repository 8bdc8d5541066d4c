import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import type { Params } from './types.js';
import { requirePositiveInteger } from './validate.js';

/**
 * Per-example gradients for DP-SGD: runs one backward pass per example (tfjs has no `vmap`)
 * and stacks the results, so each entry has shape `[batchSize, ...variable.shape]`, keyed by
 * variable name. `lossForExample(i)` must return the scalar loss of example `i` alone.
 * Costs `batchSize` backward passes; use small batches or microbatches.
 *
 * @example
 * const perExample = perExampleGradients((i) => lossOf(xs.slice(i, 1), ys.slice(i, 1)), model.trainableWeights, 32);
 * optimizer.step(perExample); // with dpSgd(...)
 * tf.dispose(Object.values(perExample));
 */
export function perExampleGradients(
  lossForExample: (index: number) => tf.Scalar,
  variables: tf.Variable[],
  batchSize: number,
): Params {
  const where = 'perExampleGradients';
  if (typeof lossForExample !== 'function') throw invalidValue('lossForExample', where, 'a function (index) => scalar loss', lossForExample);
  if (!Array.isArray(variables) || variables.length === 0) throw invalidValue('variables', where, 'a non-empty array of tf.Variable', variables);
  requirePositiveInteger(batchSize, 'batchSize', where);
  const perVariable: tf.Tensor[][] = variables.map(() => []);
  try {
    for (let i = 0; i < batchSize; i++) {
      const { value, grads } = tf.variableGrads(() => lossForExample(i), variables);
      value.dispose();
      variables.forEach((v, k) => {
        const g = grads[v.name];
        // A variable the loss does not touch has a zero gradient.
        (perVariable[k] as tf.Tensor[]).push(g ?? tf.zerosLike(v));
      });
    }
    const out: Params = {};
    variables.forEach((v, k) => {
      out[v.name] = tf.stack(perVariable[k] as tf.Tensor[]);
    });
    return out;
  } finally {
    tf.dispose(perVariable.flat());
  }
}
