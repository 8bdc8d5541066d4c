import type * as tf from '@tensorflow/tfjs-core';

/**
 * Where `Layer.addWeight` takes initial values from while a saved model is rebuilt: the
 * file's checked weights (so nothing is randomly initialised, and nothing is allocated that the
 * file does not hold), or a budget of zeros for imports whose values are assigned afterwards.
 */
export interface WeightSource {
  /** The initial value of weight `path` (`dense_1/kernel`) of `shape`, or a LayersError. */
  take(path: string, shape: number[], where: string): tf.Tensor;
  /** Called with every variable made from a taken value, so a failed load can free them all. */
  created(variable: tf.Variable): void;
}

let active: WeightSource | null = null;

/** The source in effect during `withWeightSource`, else null (layers initialise as usual). */
export function activeWeightSource(): WeightSource | null {
  return active;
}

/**
 * Runs `build` (synchronous: layer constructors, `new Sequential`, `connect`) with every
 * `addWeight` served by `source`.
 */
export function withWeightSource<T>(source: WeightSource, build: () => T): T {
  const previous = active;
  active = source;
  try {
    return build();
  } finally {
    active = previous;
  }
}
