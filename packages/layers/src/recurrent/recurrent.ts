import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, shapeMismatch } from '../errors.js';
import { getActivation, type ActivationName } from '../core/activations.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger } from '../core/validate.js';
import { fusedKernelAvailable, runFusedKernelForFirstOutput } from '../core/fused-kernels.js';

/** Options shared by SimpleRNN, LSTM and GRU. */
export interface RecurrentArgs extends LayerArgs {
  units: number;
  /** Output/candidate activation. Default 'tanh'. */
  activation?: ActivationName;
  /** Gate activation (LSTM, GRU). Default 'sigmoid'. */
  recurrentActivation?: ActivationName;
  /** `true` returns every step's output `[batch, time, units]`; default `false` returns the last `[batch, units]`. */
  returnSequences?: boolean;
  /** Processes the sequence from the last step to the first; with `returnSequences` the outputs are in processing (reversed) order, as in Keras. */
  goBackwards?: boolean;
  useBias?: boolean;
  kernelInitializer?: InitializerConfig;
  recurrentInitializer?: InitializerConfig;
  biasInitializer?: InitializerConfig;
}

/** The weights one direction of a recurrent layer uses. */
export interface RecurrentWeights {
  /** `[inputDim, gates * units]`: every gate's input projection fused into one matrix. */
  kernel: tf.Tensor;
  /** `[units, gates * units]`. */
  recurrentKernel: tf.Tensor;
  /** `[gates * units]`, added to the input projection. */
  bias: tf.Tensor | null;
  /** `[gates * units]`, added to the recurrent projection (GRU only: its reset gate acts after it). */
  recurrentBias: tf.Tensor | null;
}

/** One weight a recurrent layer needs, for `addWeight`; `adjust` edits the initial value (LSTM forget bias). */
export interface RecurrentWeightSpec {
  name: keyof RecurrentWeights;
  shape: number[];
  initializer: InitializerConfig;
  initialValue?: (shape: number[]) => tf.Tensor;
}

/**
 * Base of the recurrent layers: input `[batch, time, features]`. The input projection of all
 * steps is one matMul up front; each step then does one matMul with the recurrent kernel.
 * Sequences of different lengths are padded to one length; with a padding mask (from
 * `embedding({ maskZero: true })`, or `apply(x, { mask })`) padded steps keep the previous state,
 * as in Keras, so padding may go at the end. Without a mask, pad at the front.
 */
export abstract class Recurrent extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  /** 1 for SimpleRNN, 3 for GRU, 4 for LSTM. */
  protected abstract readonly gates: number;
  /** The whole-sequence kernel of this cell type (`LoomLSTMSequence`, ...), used when the backend has it. */
  protected abstract readonly fusedKernel: string;
  protected readonly args: RecurrentArgs;
  private own: Partial<Record<keyof RecurrentWeights, tf.Variable>> = {};

  protected constructor(args: RecurrentArgs, prefix: string) {
    super(args, prefix);
    this.units = positiveInteger(args.units, 'units', this.describe());
    this.activation = args.activation ?? 'tanh';
    getActivation(this.activation, this.describe());
    this.recurrentActivation = args.recurrentActivation ?? 'sigmoid';
    getActivation(this.recurrentActivation, this.describe());
    for (const flag of ['returnSequences', 'goBackwards', 'useBias'] as const) {
      if (args[flag] !== undefined && typeof args[flag] !== 'boolean') throw invalidValue(flag, this.describe(), 'a boolean', args[flag]);
    }
    this.returnSequences = args.returnSequences ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.useBias = args.useBias ?? true;
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3 || inputShape[2] === null) {
      throw shapeMismatch(this.describe(), 'input of shape [batch, time, features] with known features', inputShape);
    }
    return this.returnSequences ? [inputShape[0]!, inputShape[1]!, this.units] : [inputShape[0]!, this.units];
  }

  /** The weights for inputs with `inputDim` features (also used by Bidirectional for each direction). */
  weightSpecs(inputDim: number): RecurrentWeightSpec[] {
    const width = this.gates * this.units;
    const specs: RecurrentWeightSpec[] = [
      { name: 'kernel', shape: [inputDim, width], initializer: this.args.kernelInitializer ?? 'glorotUniform' },
      { name: 'recurrentKernel', shape: [this.units, width], initializer: this.args.recurrentInitializer ?? 'orthogonal' },
    ];
    if (this.useBias) specs.push({ name: 'bias', shape: [width], initializer: this.args.biasInitializer ?? 'zeros' });
    return specs;
  }

  protected override createWeights(inputShape: Shape): void {
    for (const spec of this.weightSpecs(inputShape[2] as number)) {
      const variable = this.addWeight(spec.name, spec.shape, spec.initializer, spec.initialValue ? { initialValue: spec.initialValue } : {});
      this.own[spec.name] = variable;
    }
  }

  /**
   * One step: `projected` is `x_t · kernel + bias` for this step, `states` the previous states
   * (h, plus c for LSTM). Returns the new states; the first one is the step's output.
   */
  protected abstract step(projected: tf.Tensor2D, states: tf.Tensor2D[], weights: RecurrentWeights): tf.Tensor2D[];

  /** Number of states carried between steps (2 for LSTM: h and c). */
  protected stateCount(): number {
    return 1;
  }

  /**
   * Runs the whole sequence with the given weights. `mask` `[batch, time]` (1 = real step,
   * 0 = padding) makes padded steps keep the previous state; their output is the previous
   * output, or zeros with `zeroOutputForMask` (as Keras does inside Bidirectional).
   */
  runSequence(inputs: tf.Tensor, weights: RecurrentWeights, goBackwards: boolean, returnSequences: boolean, mask: tf.Tensor | null = null, zeroOutputForMask = false): tf.Tensor {
    if (inputs.rank !== 3 || inputs.shape[2] !== weights.kernel.shape[0]) {
      throw shapeMismatch(this.describe(), `input of shape [batch, time, ${weights.kernel.shape[0]}]`, inputs.shape);
    }
    if (mask !== null && (mask.rank !== 2 || mask.shape[0] !== inputs.shape[0] || mask.shape[1] !== inputs.shape[1])) {
      throw shapeMismatch(`${this.describe()} mask`, `a mask of shape [${inputs.shape[0]}, ${inputs.shape[1]}]`, mask.shape);
    }
    return tf.tidy(() => {
      const [batch, time, features] = inputs.shape as [number, number, number];
      const width = this.gates * this.units;
      let projected = tf.matMul(tf.reshape(inputs, [batch * time, features]), weights.kernel as tf.Tensor2D);
      if (weights.bias) projected = tf.add(projected, weights.bias);
      const sequence = tf.reshape(projected, [batch, time, width]);
      const floatMask = mask === null ? null : mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32');
      if (this.canFuse()) {
        const fusedInputs: Record<string, tf.Tensor> = { projected: sequence, recurrentKernel: weights.recurrentKernel };
        if (weights.recurrentBias) fusedInputs.recurrentBias = weights.recurrentBias;
        const constants: Record<string, tf.Tensor> = floatMask === null ? {} : { mask: floatMask };
        const attrs = { activation: this.activation, recurrentActivation: this.recurrentActivation, goBackwards, returnSequences, zeroOutputForMask };
        return runFusedKernelForFirstOutput(this.fusedKernel, fusedInputs, constants, attrs);
      }
      // Reverse the tensor, never the returned array: tf.unstack hands back the very array its
      // gradient tape recorded as the op's outputs, so reversing it in place scrambles the gradient.
      // One step is a reshape: tfjs-core's Unpack gradient fails for a single output ("Argument
      // tensors passed to stack must be a Tensor[]").
      const steps = time === 1 ? [tf.reshape(sequence, [batch, width]) as tf.Tensor2D] : (tf.unstack(goBackwards ? tf.reverse(sequence, 1) : sequence, 1) as tf.Tensor2D[]);
      const stepMasks = floatMask === null ? null : (tf.unstack(tf.expandDims(goBackwards ? tf.reverse(floatMask, 1) : floatMask, 2), 1) as tf.Tensor2D[]);
      let states: tf.Tensor2D[] = Array.from({ length: this.stateCount() }, () => tf.zeros([batch, this.units]) as tf.Tensor2D);
      const outputs: tf.Tensor2D[] = [];
      steps.forEach((projectedStep, k) => {
        const next = this.step(projectedStep, states, weights);
        const keep = stepMasks?.[k];
        if (keep === undefined) {
          states = next;
          outputs.push(states[0]!);
          return;
        }
        // Padded steps keep the previous state (keep = 0); arithmetic blend so gradients flow as Keras' where.
        const drop = tf.sub(1, keep);
        states = next.map((state, i) => tf.add(tf.mul(state, keep), tf.mul(states[i]!, drop)) as tf.Tensor2D);
        outputs.push(zeroOutputForMask ? (tf.mul(next[0]!, keep) as tf.Tensor2D) : states[0]!);
      });
      return returnSequences ? tf.stack(outputs, 1) : states[0]!;
    });
  }

  /** The mask stays with the returned sequence; a last state has none. */
  override computeMask(_inputs: tf.Tensor, mask: tf.Tensor | null): tf.Tensor | null {
    return this.returnSequences ? mask : null;
  }

  /** Whether the whole-sequence kernel can run this layer on the active backend. */
  private canFuse(): boolean {
    return FUSED_ACTIVATIONS.has(this.activation) && FUSED_ACTIVATIONS.has(this.recurrentActivation) && fusedKernelAvailable(this.fusedKernel);
  }

  protected call(inputs: tf.Tensor, options: Required<CallOptions>): tf.Tensor {
    const own = this.own;
    const weights = { kernel: own.kernel!, recurrentKernel: own.recurrentKernel!, bias: own.bias ?? null, recurrentBias: own.recurrentBias ?? null };
    return this.runSequence(inputs, weights, this.goBackwards, this.returnSequences, options.mask);
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return {
      ...this.baseConfig(),
      ...rest,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      useBias: this.useBias,
    };
  }
}

/** Activations the whole-sequence kernels implement; others run the composite path. */
const FUSED_ACTIVATIONS: ReadonlySet<string> = new Set(['tanh', 'sigmoid', 'relu', 'linear']);

/** Splits `[batch, gates * units]` into the gates' `[batch, units]` blocks. */
export function splitGates(x: tf.Tensor2D, gates: number): tf.Tensor2D[] {
  return tf.split(x, gates, 1) as tf.Tensor2D[];
}
