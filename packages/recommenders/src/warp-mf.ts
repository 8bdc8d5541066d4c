import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { PairwiseMf, type PairwiseMfOptions, type TrainingState } from './pairwise-mf.js';

/** Options of {@link WarpMf}. */
export interface WarpMfOptions extends PairwiseMfOptions {
  /** Candidate negatives drawn per positive (the most WARP looks at before giving up); default 32. */
  maxNegatives?: number;
  /** Hinge margin: a negative violates when s_uj > s_ui − margin; default 1. */
  margin?: number;
}

/**
 * WARP-style matrix factorisation (Weighted Approximate-Rank Pairwise loss, Weston et al. 2011),
 * batched for tfjs: for each (user, positive) pair, `maxNegatives` negatives are drawn
 * (never a positive) and scored; the first one that violates the margin is kept, the user's rank
 * of the positive is estimated as ⌊(negatives available) / (draws needed)⌋ and the hinge
 * max(0, margin − s_ui + s_uj) is weighted by the harmonic number H(rank) = Σ_{r ≤ rank} 1/r,
 * so positives ranked low get large updates. Pairs with no violating draw contribute nothing.
 *
 * @example
 * const warp = new WarpMf({ factors: 32, epochs: 20, maxNegatives: 32, seed: 1 }).fit(split.train.matrix);
 * warp.recommend(0, 10);
 */
export class WarpMf extends PairwiseMf {
  readonly name = 'WarpMf';
  readonly maxNegatives: number;
  readonly margin: number;
  private harmonic: Float64Array = new Float64Array(0);

  constructor(options: WarpMfOptions = {}) {
    super('WarpMf', options);
    this.maxNegatives = options.maxNegatives ?? 32;
    this.margin = options.margin ?? 1;
    if (!Number.isInteger(this.maxNegatives) || this.maxNegatives < 1) {
      throw invalidValue('maxNegatives', 'WarpMf', 'a positive integer', this.maxNegatives);
    }
    if (!Number.isFinite(this.margin) || this.margin <= 0) throw invalidValue('margin', 'WarpMf', 'a positive number', this.margin);
  }

  protected trainBatch(state: TrainingState, users: Int32Array, positives: Int32Array): number {
    const batch = users.length;
    const draws = this.maxNegatives;
    const itemCount = state.userItems.columns;
    if (this.harmonic.length !== itemCount + 1) {
      this.harmonic = new Float64Array(itemCount + 1);
      for (let r = 1; r <= itemCount; r++) this.harmonic[r] = this.harmonic[r - 1]! + 1 / r;
    }
    const candidates = new Int32Array(batch * draws);
    for (let k = 0; k < batch; k++) {
      for (let d = 0; d < draws; d++) candidates[k * draws + d] = state.sampler.sample(users[k]!);
    }
    // Scoring pass (no gradients): find the first violating candidate of each pair.
    const [positiveScores, candidateScores] = tf.tidy(() => {
      const x = tf.gather(state.userFactors, tf.tensor1d(users, 'int32'));
      const positiveIndices = tf.tensor1d(positives, 'int32');
      const candidateIndices = tf.tensor1d(candidates, 'int32');
      const positive = tf.add(tf.sum(tf.mul(x, tf.gather(state.itemFactors, positiveIndices)), 1), tf.gather(state.itemBias, positiveIndices));
      const y = tf.reshape(tf.gather(state.itemFactors, candidateIndices), [batch, draws, this.options.factors]);
      const candidate = tf.add(tf.sum(tf.mul(tf.expandDims(x, 1), y), 2), tf.reshape(tf.gather(state.itemBias, candidateIndices), [batch, draws]));
      return [positive.dataSync(), candidate.dataSync()];
    });
    const chosen = new Int32Array(batch);
    const weights = new Float32Array(batch);
    let lossSum = 0;
    for (let k = 0; k < batch; k++) {
      const user = users[k]!;
      const available = itemCount - (state.userItems.indptr[user + 1]! - state.userItems.indptr[user]!);
      chosen[k] = candidates[k * draws]!;
      for (let d = 0; d < draws; d++) {
        const violation = this.margin - positiveScores[k]! + candidateScores[k * draws + d]!;
        if (violation > 0) {
          const rank = Math.max(1, Math.floor(available / (d + 1)));
          chosen[k] = candidates[k * draws + d]!;
          weights[k] = this.harmonic[Math.min(rank, itemCount)]!;
          lossSum += weights[k]! * violation;
          break;
        }
      }
    }
    if (lossSum === 0) return 0;
    const userIndices = tf.tensor1d(users, 'int32');
    const positiveIndices = tf.tensor1d(positives, 'int32');
    const negativeIndices = tf.tensor1d(chosen, 'int32');
    const weightTensor = tf.tensor1d(weights);
    try {
      this.applyStep(state, () => {
        const x = tf.gather(state.userFactors, userIndices);
        const yPositive = tf.gather(state.itemFactors, positiveIndices);
        const yNegative = tf.gather(state.itemFactors, negativeIndices);
        const bPositive = tf.gather(state.itemBias, positiveIndices);
        const bNegative = tf.gather(state.itemBias, negativeIndices);
        const positive = tf.add(tf.sum(tf.mul(x, yPositive), 1), bPositive);
        const negative = tf.add(tf.sum(tf.mul(x, yNegative), 1), bNegative);
        const hinge = tf.relu(tf.add(tf.sub(negative, positive), this.margin));
        const data = tf.div(tf.sum(tf.mul(weightTensor, hinge)), batch);
        const penalty = this.options.itemBias
          ? this.penalty(x, yPositive, yNegative, bPositive, bNegative)
          : this.penalty(x, yPositive, yNegative);
        return tf.add(data, penalty) as tf.Scalar;
      });
    } finally {
      tf.dispose([userIndices, positiveIndices, negativeIndices, weightTensor]);
    }
    return lossSum;
  }
}
