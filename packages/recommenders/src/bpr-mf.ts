import * as tf from '@tensorflow/tfjs-core';
import { bprLoss } from '@loom-ml/losses';
import { PairwiseMf, type PairwiseMfOptions, type TrainingState } from './pairwise-mf.js';

/** Options of {@link BprMf}. */
export type BprMfOptions = PairwiseMfOptions;

/**
 * Matrix factorisation trained with Bayesian personalised ranking (Rendle et al. 2009) in tfjs,
 * with `bprLoss` from `@loom-ml/losses`:
 * for every (user u, positive i) pair, one negative j is sampled uniformly among the items u
 * never interacted with (never a positive), and the model minimises
 * mean(−log σ(s_ui − s_uj)) + λ·mean(‖x_u‖² + ‖y_i‖² + ‖y_j‖² + b_i² + b_j²), with
 * s_ui = x_u·y_i + b_i, by an `@loom-ml/optimizers` optimizer (Adam by default) on the active
 * tfjs backend (Loom's wasm backend in scripts, cpu in tests).
 *
 * @example
 * const bpr = new BprMf({ factors: 32, epochs: 20, seed: 1,
 *   onEpoch: ({ epoch, loss }) => console.log(epoch, loss) }).fit(split.train.matrix);
 * bpr.recommend(0, 10); // [{ item, score }, ...]
 */
export class BprMf extends PairwiseMf {
  readonly name = 'BprMf';

  constructor(options: BprMfOptions = {}) {
    super('BprMf', options);
  }

  protected trainBatch(state: TrainingState, users: Int32Array, positives: Int32Array): number {
    const negatives = state.sampler.sampleMany(users, new Int32Array(users.length));
    const [userIndices, positiveIndices, negativeIndices] = [users, positives, negatives].map((indices) =>
      tf.tensor1d(indices, 'int32'),
    ) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    let lossSum = 0;
    try {
      this.applyStep(state, () => {
        const x = tf.gather(state.userFactors, userIndices);
        const yPositive = tf.gather(state.itemFactors, positiveIndices);
        const yNegative = tf.gather(state.itemFactors, negativeIndices);
        const bPositive = tf.gather(state.itemBias, positiveIndices);
        const bNegative = tf.gather(state.itemBias, negativeIndices);
        const positiveScores = tf.add(tf.sum(tf.mul(x, yPositive), 1), bPositive) as tf.Tensor1D;
        const negativeScores = tf.add(tf.sum(tf.mul(x, yNegative), 1), bNegative) as tf.Tensor1D;
        const perSample = bprLoss().perSample(tf.zeros([users.length]), tf.stack([positiveScores, negativeScores], 1));
        const total = tf.sum(perSample);
        lossSum = total.dataSync()[0]!;
        const penalty = this.options.itemBias
          ? this.penalty(x, yPositive, yNegative, bPositive, bNegative)
          : this.penalty(x, yPositive, yNegative);
        return tf.add(tf.div(total, users.length), penalty) as tf.Scalar;
      });
    } finally {
      tf.dispose([userIndices, positiveIndices, negativeIndices]);
    }
    return lossSum;
  }
}
