// How the GPT reads the sentiment token at every position. Every training row (and every window
// the sampler feeds) starts with `<pos>` or `<neg>`; through attention alone a position sees that
// token only as much as it attends to it, and the language-modelling loss rewards knowing the
// sentiment by at most 1 bit per row, so a small model learns to ignore it (measured: the
// validation loss of the recorded 2026-12-03 model was the same with the sentiment tokens
// swapped). `PrefixBroadcast` adds the first position's vector (the sentiment token's embedding),
// scaled per channel by a learned gate, to every position right after the embedding, so every
// position has it directly. The gate starts at zero (the model starts as the attention-only one:
// without it, the added vector slowed the early training, 49 against 41 validation perplexity
// after 8 minutes) and learns how much of it to take.
import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallOptions, type DecodeCache, type LayerArgs, type LayerFactory } from '@loom-ml/layers';

/**
 * `[batch, time, width]` in and out: `x + gate * x[:, 0]` at every step (`gate`: one learned
 * weight per channel, zeros at first). With the key/value cache, the first call (which starts
 * at position 0) stores `gate * x[:, 0]` for the later steps.
 *
 * @example
 * sequential([tokenAndPositionEmbedding({ ... }), prefixBroadcast(), transformerDecoder({ ... })]);
 */
export class PrefixBroadcast extends Layer {
  readonly className = 'PrefixBroadcast';
  private gate: tf.Variable | null = null;

  constructor(args: LayerArgs = {}) {
    super(args, 'prefix_broadcast');
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) throw new RangeError(`${this.describe()} takes [batch, time, width] inputs; received rank ${inputShape.length}.`);
    return inputShape;
  }

  protected override createWeights(inputShape: number[]): void {
    this.gate = this.addWeight('gate', [inputShape[inputShape.length - 1]!], 'zeros');
  }

  private first(inputs: tf.Tensor): tf.Tensor {
    return tf.mul(tf.slice(inputs, [0, 0, 0], [-1, 1, -1]), this.gate!);
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return tf.tidy(() => tf.add(inputs, this.first(inputs)));
  }

  override callWithCache(inputs: tf.Tensor, cache: DecodeCache): tf.Tensor {
    let first = cache.read(this)?.[0];
    if (first === undefined) {
      if (cache.position !== 0) throw new RangeError(`${this.describe()} needs the cache to start at position 0 (the sentiment token); it starts at ${cache.position}.`);
      first = this.first(inputs);
      cache.write(this, [first]);
    }
    return tf.add(inputs, first);
  }

  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/** @example prefixBroadcast() */
export function prefixBroadcast(args: LayerArgs = {}): PrefixBroadcast {
  return new PrefixBroadcast(args);
}

/** The app's own layers, for `loadModel` / `deserializeModel`'s `customLayers`. */
export const CUSTOM_LAYERS: Record<string, LayerFactory> = {
  PrefixBroadcast: (config) => new PrefixBroadcast(config as LayerArgs),
};
