import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '../core/layer.js';

/**
 * What a model keeps between the steps of incremental decoding: each layer's state for the
 * steps seen so far (an attention layer's keys and values) and how many steps that is. Made,
 * filled and freed by `generate`; layers read and write it in `callWithCache`. Callers of
 * `generate` never see it.
 */
export class DecodeCache {
  private steps = 0;
  private readonly states = new Map<Layer, tf.Tensor[]>();

  /** How many steps the cache holds: the position of the first step of the next call. */
  get position(): number {
    return this.steps;
  }

  /** The tensors `layer` stored on an earlier call, or null on its first. */
  read(layer: Layer): readonly tf.Tensor[] | null {
    return this.states.get(layer) ?? null;
  }

  /** Stores `tensors` for `layer` (kept out of any `tf.tidy`), disposing what it held before. */
  write(layer: Layer, tensors: tf.Tensor[]): void {
    const previous = this.states.get(layer);
    this.states.set(layer, tensors.map((t) => tf.keep(t)));
    if (previous) tf.dispose(previous.filter((t) => !tensors.includes(t)));
  }

  /** Called once every layer has run on `steps` new steps. */
  advance(steps: number): void {
    this.steps += steps;
  }

  /** Frees every stored tensor and starts again from step 0. */
  reset(): void {
    for (const tensors of this.states.values()) tf.dispose(tensors);
    this.states.clear();
    this.steps = 0;
  }

  /** Frees every stored tensor (as `reset`). */
  dispose(): void {
    this.reset();
  }
}
