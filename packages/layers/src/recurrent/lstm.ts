import * as tf from '@tensorflow/tfjs-core';
import { getActivation } from '../core/activations.js';
import { Recurrent, splitGates, type RecurrentArgs, type RecurrentWeights, type RecurrentWeightSpec } from './recurrent.js';

/** Options of `lstm` / `new LSTM`: those of every recurrent layer (`RecurrentArgs`) and the forget-gate bias. */
export interface LSTMArgs extends RecurrentArgs {
  /** Initialise the forget gate's bias to 1 (Jozefowicz et al. 2015) so early training remembers. Default true. */
  unitForgetBias?: boolean;
}

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997), gates fused in the order
 * input, forget, candidate, output (as Keras): `c_t = f·c + i·tanh(z_c)`, `h_t = o·tanh(c_t)`.
 */
export class LSTM extends Recurrent {
  readonly className = 'LSTM';
  protected readonly gates = 4;
  protected readonly fusedKernel = 'LoomLSTMSequence';
  readonly unitForgetBias: boolean;
  constructor(args: LSTMArgs) {
    super(args, 'lstm');
    this.unitForgetBias = args.unitForgetBias ?? true;
  }
  override weightSpecs(inputDim: number): RecurrentWeightSpec[] {
    return super.weightSpecs(inputDim).map((spec) =>
      spec.name === 'bias' && this.unitForgetBias && this.args.biasInitializer === undefined
        ? { ...spec, initialValue: () => tf.tidy(() => tf.concat([tf.zeros([this.units]), tf.ones([this.units]), tf.zeros([2 * this.units])])) }
        : spec,
    );
  }
  protected override stateCount(): number {
    return 2;
  }
  protected step(projected: tf.Tensor2D, [h, c]: tf.Tensor2D[], weights: RecurrentWeights): tf.Tensor2D[] {
    const gate = getActivation(this.recurrentActivation);
    const act = getActivation(this.activation);
    const z = tf.add(projected, tf.matMul(h!, weights.recurrentKernel as tf.Tensor2D)) as tf.Tensor2D;
    const [i, f, candidate, o] = splitGates(z, 4);
    const cell = tf.add(tf.mul(gate(f!), c!), tf.mul(gate(i!), act(candidate!))) as tf.Tensor2D;
    return [tf.mul(gate(o!), act(cell)) as tf.Tensor2D, cell];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}

/**
 * An LSTM layer over `[batch, time, features]`.
 *
 * @example
 * const model = sequential([embedding({ inputDim: 10000, outputDim: 32 }), lstm({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [200] });
 */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}
