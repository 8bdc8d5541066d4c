import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from '../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import type { Recurrent, RecurrentWeights } from './recurrent.js';
import { SimpleRNN } from './simple-rnn.js';

/** A recurrent layer, or its saved form `{ className, config }`. */
export type RecurrentLayerSpec = Recurrent | { className: 'SimpleRNN' | 'LSTM' | 'GRU'; config: Record<string, unknown> };

/** Options of `bidirectional` / `new Bidirectional`. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run both ways; it is used as a template and never built itself. */
  layer: RecurrentLayerSpec;
}

const recurrentClasses = { SimpleRNN, LSTM, GRU } as const;

function fromSpec(spec: RecurrentLayerSpec, where: string): Recurrent {
  if (spec instanceof SimpleRNN || spec instanceof LSTM || spec instanceof GRU) return spec;
  const known = typeof spec === 'object' && spec !== null ? recurrentClasses[(spec as { className: string }).className as keyof typeof recurrentClasses] : undefined;
  if (known === undefined) throw invalidValue('layer', where, 'a SimpleRNN, LSTM or GRU layer, or { className, config } of one', spec);
  return new known((spec as { config: Record<string, unknown> }).config as never);
}

/**
 * Runs a recurrent layer forwards and a copy of it backwards over the sequence and
 * concatenates their outputs on the last axis (`2 * units`). With `returnSequences`, the
 * backward outputs are re-reversed so step t of both halves refers to input step t.
 */
export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly layer: Recurrent;
  private forwardWeights: RecurrentWeights | null = null;
  private backwardWeights: RecurrentWeights | null = null;

  constructor(args: BidirectionalArgs) {
    super(args, 'bidirectional');
    this.layer = fromSpec(args.layer, this.describe());
  }

  computeOutputShape(inputShape: Shape): Shape {
    const shape = this.layer.computeOutputShape(inputShape);
    return [...shape.slice(0, -1), 2 * this.layer.units];
  }

  /** Its own seed, else the wrapped layer's (`bidirectional({ layer: lstm({ units, seed }) })`); the two directions' weights get distinct seeds. */
  protected override weightSeed(): number | undefined {
    return this.seed ?? this.layer.seed;
  }

  protected override createWeights(inputShape: Shape): void {
    const make = (direction: string): RecurrentWeights => {
      const weights: RecurrentWeights = { kernel: null as never, recurrentKernel: null as never, bias: null, recurrentBias: null };
      for (const spec of this.layer.weightSpecs(inputShape[2] as number)) {
        const variable = this.addWeight(`${direction}/${spec.name}`, spec.shape, spec.initializer, spec.initialValue ? { initialValue: spec.initialValue } : {});
        weights[spec.name] = variable;
      }
      return weights;
    };
    this.forwardWeights = make('forward');
    this.backwardWeights = make('backward');
  }

  protected call(inputs: tf.Tensor, { mask }: Required<CallOptions>): tf.Tensor {
    const { goBackwards, returnSequences } = this.layer;
    return tf.tidy(() => {
      // With a mask, padded steps of returned sequences are zeros in both halves (as in Keras).
      const forward = this.layer.runSequence(inputs, this.forwardWeights!, goBackwards, returnSequences, mask, returnSequences);
      let backward = this.layer.runSequence(inputs, this.backwardWeights!, !goBackwards, returnSequences, mask, returnSequences);
      if (returnSequences) backward = tf.reverse(backward, 1);
      return tf.concat([forward, backward], -1);
    });
  }

  /** The mask stays with returned sequences; last states have none. */
  override computeMask(_inputs: tf.Tensor, mask: tf.Tensor | null): tf.Tensor | null {
    return this.layer.returnSequences ? mask : null;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }
}

/**
 * Wraps a recurrent layer to read the sequence both ways.
 *
 * @example
 * const layer = bidirectional({ layer: lstm({ units: 16 }) }); // output [batch, 32]
 */
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}
