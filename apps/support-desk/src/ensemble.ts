// An ensemble of K embedding-bag models trained with different seeds on the same features, folded
// into ONE network of the same shape as a single member: the K embedding tables side by side
// (K * dim wide) and the K output layers stacked and divided by K. Because the bag averages each
// column separately, the merged bag's output is the K members' outputs side by side, so the merged
// logits are exactly the mean of the members' logits (a geometric mean of their probabilities after
// the softmax). The saved bundle, the server, the chat page and `retrain` then need nothing new: an
// ensemble is a wider model. The sentence embedding is the members' bag outputs side by side.
// Runs anywhere.
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '@loom-ml/layers';
import { AppError } from './errors.js';
import { buildModel, inputLength } from './intent-model.js';

/**
 * One network whose logits are the mean of `members`' logits. The members must share their
 * input (the same featurizer) and their number of classes; their widths may differ. They are
 * left as they are (the caller disposes them).
 *
 * @example
 * const merged = mergeMembers([first, second, third]);
 */
export function mergeMembers(members: readonly Sequential[]): Sequential {
  if (members.length === 0) throw new AppError('mergeMembers needs at least one member model.');
  const shapes = members.map((model) => {
    const [table, kernel, bias] = model.getWeights();
    if (table?.rank !== 2 || kernel?.rank !== 2 || bias?.rank !== 1 || model.getWeights().length !== 3) {
      throw new AppError(`mergeMembers: member '${model.name}' is not an embedding bag and one dense layer (expected 3 weights: table, kernel, bias).`);
    }
    return { length: inputLength(model), features: table.shape[0]!, dim: table.shape[1]!, classes: kernel.shape[1]! };
  });
  const first = shapes[0]!;
  shapes.forEach((shape, k) => {
    if (shape.length !== first.length || shape.features !== first.features || shape.classes !== first.classes) {
      throw new AppError(
        `mergeMembers: member ${k} reads ${shape.length} ids of ${shape.features} features into ${shape.classes} classes; member 0 reads ${first.length} ids of ${first.features} features into ${first.classes} classes.`,
      );
    }
  });
  const width = shapes.reduce((sum, shape) => sum + shape.dim, 0);
  const merged = buildModel(first.features, first.classes, { dim: width, dropout: 0, seed: 0 }, first.length);
  const weights = tf.tidy(() => {
    const all = members.map((model) => model.getWeights());
    const scale = 1 / members.length;
    return [
      tf.concat(all.map((w) => w[0]!), 1),
      tf.mul(tf.concat(all.map((w) => w[1]!), 0), scale),
      tf.mul(tf.addN(all.map((w) => w[2]!)), scale),
    ];
  });
  merged.setWeights(weights);
  tf.dispose(weights);
  return merged;
}
