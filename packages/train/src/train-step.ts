import * as tf from '@tensorflow/tfjs-core';
import type { TrainingOptimizer } from './callback.js';
import { invalidValue, TrainError } from './errors.js';
import { batchSampleWeights, weightedLossSum, type ClassWeight } from './sample-weights.js';
import type { Batch, LossLike, MetricLike, TrainableModel } from './types.js';

/** Checks the model output is a single tensor (multi-output models are not supported yet). */
export function singleOutput(output: tf.Tensor | tf.Tensor[], model: TrainableModel): tf.Tensor {
  if (Array.isArray(output)) {
    throw invalidValue('model', 'fit', 'a model with a single output tensor', `model '${model.name}' with ${output.length} outputs`);
  }
  return output;
}

/**
 * Runs `compute` (a gradient computation) and, when tfjs-core reports a kernel without a
 * registered gradient, throws a `TrainError` that says how to register them: tfjs-core alone
 * registers none, and its own message ('gradient function not found for RealDiv') does not say so.
 */
export function withGradientHint<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    const missing = /gradient function not found for (\w+)/i.exec(error instanceof Error ? error.message : '');
    if (missing === null) throw error;
    throw new TrainError(
      `The backend '${tf.getBackend()}' has no gradient registered for the kernel ${missing[1]}, which training needs: tfjs-core registers no gradients by itself. ` +
        "Call registerGradients() from @loom-ml/wasm once before training (initWasm() does it for you), or import '@tensorflow/tfjs' instead of tfjs-core alone.",
    );
  }
}

/**
 * One optimisation step on a batch: loss = sum(w * perSample) / batchSize (Keras'
 * sum-over-batch-size reduction) plus the model's regularisation penalty, gradients over the
 * trainable weights, `optimizer.step`, then the streaming metrics see the predictions.
 * Returns the loss (the caller owns it); every other tensor is disposed here.
 */
export function trainStep(
  model: TrainableModel,
  loss: LossLike,
  optimizer: TrainingOptimizer,
  metrics: readonly MetricLike[],
  batch: Batch,
  classWeight: ClassWeight | undefined,
): tf.Scalar {
  const batchSize = batch.y.shape[0]!;
  const weights = batchSampleWeights(batch.y, batch.sampleWeight, classWeight);
  let prediction: tf.Tensor | undefined;
  try {
    const { value, grads } = withGradientHint(() => tf.variableGrads(() => {
      const output = singleOutput(model.apply(batch.x, { training: true }), model);
      // Kept past variableGrads' scope so the metrics can see it without a second forward pass.
      if (metrics.length > 0) prediction = tf.keep(output);
      const dataLoss = tf.div(weightedLossSum(loss, batch.y, output, weights), batchSize);
      const penalty = model.regularizationLoss?.() ?? null;
      return (penalty === null ? dataLoss : tf.add(dataLoss, penalty)) as tf.Scalar;
    }, model.trainableWeights));
    // A variable the loss does not reach gets a zero gradient: the optimizer wants one per variable.
    const missing: tf.Tensor[] = [];
    for (const variable of model.trainableWeights) {
      if (grads[variable.name] === undefined) {
        const zeros = tf.zerosLike(variable);
        grads[variable.name] = zeros;
        missing.push(zeros);
      }
    }
    try {
      optimizer.step(grads);
    } finally {
      tf.dispose(grads);
    }
    if (prediction !== undefined) {
      const seen = prediction;
      for (const metric of metrics) tf.tidy(() => metric.update(batch.y, seen, weights));
    }
    return value;
  } finally {
    prediction?.dispose();
    weights?.dispose();
  }
}
