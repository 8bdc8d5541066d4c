import type * as tf from '@tensorflow/tfjs-core';

/**
 * A loss: a per-sample function of targets and predictions. Reduction and sample weights are
 * applied separately by `computeLoss`, so one loss object serves training and evaluation.
 *
 * @example
 * const loss: Loss = meanSquaredError();
 * const perSample = loss.perSample(yTrue, yPred); // shape [batch]
 */
export interface Loss {
  /** The loss's name, also accepted by `getLoss`: 'categoricalCrossentropy'. */
  readonly name: string;
  /** Per-sample loss, shape [batch]. The caller owns (and disposes) the result. */
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D;
  /** JSON-safe options, enough to re-create the loss with `getLoss({ name, config })`. */
  getConfig(): Record<string, unknown>;
}

/**
 * How `computeLoss` turns per-sample losses into the returned value.
 * - `mean`: sum(w * loss) / sum(w) (the plain mean without weights; 0 when sum(w) is 0).
 * - `sum`: sum(w * loss).
 * - `sumOverBatchSize`: sum(w * loss) / batch (Keras's default).
 * - `none`: the weighted per-sample losses, shape [batch].
 *
 * @example
 * computeLoss(loss, yTrue, yPred, { reduction: 'sum' });
 */
export type Reduction = 'mean' | 'sum' | 'none' | 'sumOverBatchSize';

/** Every reduction, for validation. */
export const reductions: readonly Reduction[] = ['mean', 'sum', 'none', 'sumOverBatchSize'];

/** Builds a frozen Loss object; the config is copied so callers cannot mutate it. */
export function defineLoss(
  name: string,
  config: Record<string, unknown>,
  perSample: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D,
): Loss {
  const frozen = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  return Object.freeze({
    name,
    perSample,
    getConfig: () => JSON.parse(JSON.stringify(frozen)) as Record<string, unknown>,
  });
}
