import * as tf from '@tensorflow/tfjs-core';
import { getActivation } from '../core/activations.js';
import { Recurrent, type RecurrentArgs, type RecurrentWeights } from './recurrent.js';

/** Options of `simpleRNN` / `new SimpleRNN`: those of every recurrent layer (`RecurrentArgs`). */
export type SimpleRNNArgs = RecurrentArgs;

/** Elman RNN: `h_t = activation(x_t · W + h_{t-1} · U + b)`. */
export class SimpleRNN extends Recurrent {
  readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly fusedKernel = 'LoomSimpleRNNSequence';
  constructor(args: SimpleRNNArgs) {
    super(args, 'simple_rnn');
  }
  protected step(projected: tf.Tensor2D, [h]: tf.Tensor2D[], weights: RecurrentWeights): tf.Tensor2D[] {
    return [getActivation(this.activation)(tf.add(projected, tf.matMul(h!, weights.recurrentKernel as tf.Tensor2D))) as tf.Tensor2D];
  }
}

/**
 * A fully connected recurrent layer over `[batch, time, features]`.
 *
 * @example
 * const rnn = simpleRnn({ units: 32, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 1 } });
 */
export function simpleRnn(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(args);
}
