import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, TrainError } from './errors.js';

const isTensor = (value: unknown): boolean => value instanceof tf.Tensor;

/**
 * Answers the Keras habits before anything else is checked: `fit(model, x, y)` (tensors where
 * `data` and the options go) and a missing `loss` or `optimizer` (Keras gives them to
 * `compile()`, which Loom does not have) get a message that shows the Loom call.
 */
export function checkCallForm(data: unknown, options: unknown, where: 'fit' | 'evaluate'): void {
  const call = where === 'fit' ? 'fit(model, { x, y }, { loss, optimizer, epochs, ... })' : 'evaluate(model, { x, y }, { loss, metrics })';
  if (isTensor(data) || isTensor(options)) {
    const received = isTensor(data) ? `a tensor as \`data\`${isTensor(options) ? ' and a tensor as the options' : ''}` : 'a tensor as the options';
    throw new TrainError(
      `${where} takes (model, data, options), not Keras' (x, y): write ${call}, with x and y inside one data object. Received: ${received}.`,
    );
  }
  if (options === null || typeof options !== 'object') return;
  const given = options as { loss?: unknown; optimizer?: unknown };
  const noCompile = `there is no compile() step, so ${where} takes what Keras' compile() takes: ${call}`;
  if (given.loss === undefined) {
    throw invalidValue('loss', where, `a loss name such as 'binaryCrossentropy' or 'sparseCategoricalCrossentropy', or a loss object from @loom-ml/losses (${noCompile})`, undefined);
  }
  if (where === 'fit' && given.optimizer === undefined) {
    throw invalidValue('optimizer', where, `an optimizer name such as 'adam', a gradient transformation such as adam({ learningRate: 1e-3 }) from @loom-ml/optimizers, or an Optimizer (${noCompile})`, undefined);
  }
}
