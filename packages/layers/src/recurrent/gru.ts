import * as tf from '@tensorflow/tfjs-core';
import { getActivation } from '../core/activations.js';
import { Recurrent, splitGates, type RecurrentArgs, type RecurrentWeights, type RecurrentWeightSpec } from './recurrent.js';

/** Options of `gru` / `new GRU`: those of every recurrent layer (`RecurrentArgs`). */
export type GRUArgs = RecurrentArgs;

/**
 * Gated recurrent unit (Cho et al. 2014) with the reset gate applied after the recurrent
 * matMul (Keras' default `reset_after`, as in cuDNN), so each step has one recurrent matMul.
 * Gates fused in the order update, reset, candidate:
 * `h_t = z·h + (1-z)·tanh(x·W_h + r·(h·U_h + b'_h))`.
 */
export class GRU extends Recurrent {
  readonly className = 'GRU';
  protected readonly gates = 3;
  protected readonly fusedKernel = 'LoomGRUSequence';
  constructor(args: GRUArgs) {
    super(args, 'gru');
  }
  override weightSpecs(inputDim: number): RecurrentWeightSpec[] {
    const specs = super.weightSpecs(inputDim);
    if (this.useBias) specs.push({ name: 'recurrentBias', shape: [3 * this.units], initializer: this.args.biasInitializer ?? 'zeros' });
    return specs;
  }
  protected step(projected: tf.Tensor2D, [h]: tf.Tensor2D[], weights: RecurrentWeights): tf.Tensor2D[] {
    const gate = getActivation(this.recurrentActivation);
    const act = getActivation(this.activation);
    let recurrent = tf.matMul(h!, weights.recurrentKernel as tf.Tensor2D) as tf.Tensor2D;
    if (weights.recurrentBias) recurrent = tf.add(recurrent, weights.recurrentBias);
    const [xz, xr, xh] = splitGates(projected, 3);
    const [hz, hr, hh] = splitGates(recurrent, 3);
    const z = gate(tf.add(xz!, hz!));
    const r = gate(tf.add(xr!, hr!));
    const candidate = act(tf.add(xh!, tf.mul(r, hh!)));
    return [tf.add(tf.mul(z, h!), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D];
  }
}

/**
 * A GRU layer over `[batch, time, features]`.
 *
 * @example
 * const layer = gru({ units: 16, returnSequences: true });
 */
export function gru(args: GRUArgs): GRU {
  return new GRU(args);
}
