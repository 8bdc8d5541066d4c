import { invalidValue } from './errors.js';
import { seededRandom } from './random.js';

/** Options of `new BalancedBatchSampler`: batch size, share of positives per batch and seed. */
export interface BalancedBatchOptions {
  /** Rows per batch (at least 2, so both classes fit). */
  batchSize: number;
  /** Share of positives in every batch, in (0, 1). Default 0.5. */
  positiveFraction?: number;
  /**
   * Batches per epoch. Default: enough batches for every negative row to appear once per epoch
   * (positives are repeated, as in oversampling).
   */
  batchesPerEpoch?: number;
  seed?: number;
}

/** Reads binary labels, naming the first bad one. */
function classIndices(labels: ArrayLike<number>, where: string): { positives: number[]; negatives: number[] } {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives.push(i);
    else if (labels[i] === 0) negatives.push(i);
    else throw invalidValue(`labels[${i}]`, where, '0 or 1', labels[i]);
  }
  if (positives.length === 0 || negatives.length === 0) {
    throw invalidValue('labels', where, 'both classes present', `${positives.length} positives, ${negatives.length} negatives`);
  }
  return { positives, negatives };
}

/**
 * Draws from a class's rows in shuffled passes: every row is used once before any row repeats,
 * so rare positives are cycled evenly rather than drawn with replacement.
 */
class ShuffledCycle {
  private order: number[] = [];
  private position = 0;

  constructor(
    private readonly rows: readonly number[],
    private readonly random: () => number,
  ) {}

  take(count: number, into: number[]): void {
    for (let k = 0; k < count; k++) {
      if (this.position === this.order.length) {
        this.order = [...this.rows];
        for (let i = this.order.length - 1; i > 0; i--) {
          const j = Math.floor(this.random() * (i + 1));
          [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
        }
        this.position = 0;
      }
      into.push(this.order[this.position++]!);
    }
  }
}

/**
 * A seeded sampler of row-index batches with a fixed share of positives (e.g. 50/50 for a 1%
 * fraud rate), the batch-level alternative to class weights or resampling the whole set. Each
 * call of `nextEpoch()` (or each iteration) continues the same seeded stream, so epochs differ
 * but a run repeats exactly for a seed. Within a batch, positives come first and negatives after;
 * shuffle inside the batch only if your model cares about order (a dense network does not).
 *
 * @example
 * const sampler = new BalancedBatchSampler(labels, { batchSize: 128, positiveFraction: 0.5, seed: 1 });
 * for (const indices of sampler.nextEpoch()) {
 *   // indices: Int32Array of 64 positive and 64 negative row numbers
 * }
 */
export class BalancedBatchSampler {
  readonly batchSize: number;
  readonly positiveFraction: number;
  /** Positives in each batch: round(batchSize · positiveFraction), kept within [1, batchSize − 1]. */
  readonly positivesPerBatch: number;
  readonly batchesPerEpoch: number;
  private readonly positives: ShuffledCycle;
  private readonly negatives: ShuffledCycle;

  constructor(labels: ArrayLike<number>, options: BalancedBatchOptions) {
    const where = 'BalancedBatchSampler';
    if (options === null || typeof options !== 'object') throw invalidValue('options', where, 'an options object with batchSize', options);
    const { batchSize, positiveFraction = 0.5, seed = 0 } = options;
    if (!(Number.isInteger(batchSize) && batchSize >= 2)) throw invalidValue('batchSize', where, 'an integer >= 2', batchSize);
    if (!(typeof positiveFraction === 'number' && positiveFraction > 0 && positiveFraction < 1)) {
      throw invalidValue('positiveFraction', where, 'a number in (0, 1)', positiveFraction);
    }
    if (!Number.isFinite(seed)) throw invalidValue('seed', where, 'a finite number', seed);
    const { positives, negatives } = classIndices(labels, where);
    this.batchSize = batchSize;
    this.positiveFraction = positiveFraction;
    this.positivesPerBatch = Math.min(batchSize - 1, Math.max(1, Math.round(batchSize * positiveFraction)));
    const negativesPerBatch = batchSize - this.positivesPerBatch;
    this.batchesPerEpoch = options.batchesPerEpoch ?? Math.ceil(negatives.length / negativesPerBatch);
    if (!(Number.isInteger(this.batchesPerEpoch) && this.batchesPerEpoch > 0)) {
      throw invalidValue('batchesPerEpoch', where, 'a positive integer', options.batchesPerEpoch);
    }
    // One generator for both classes: a seed fixes the whole stream of batches.
    const random = seededRandom(seed);
    this.positives = new ShuffledCycle(positives, random);
    this.negatives = new ShuffledCycle(negatives, random);
  }

  /** The next batch of row indices. */
  nextBatch(): Int32Array {
    const rows: number[] = [];
    this.positives.take(this.positivesPerBatch, rows);
    this.negatives.take(this.batchSize - this.positivesPerBatch, rows);
    return Int32Array.from(rows);
  }

  /** The next `batchesPerEpoch` batches. */
  nextEpoch(): Int32Array[] {
    return Array.from({ length: this.batchesPerEpoch }, () => this.nextBatch());
  }

  /** Iterates one epoch (the next `batchesPerEpoch` batches). */
  *[Symbol.iterator](): Iterator<Int32Array> {
    for (let b = 0; b < this.batchesPerEpoch; b++) yield this.nextBatch();
  }
}
