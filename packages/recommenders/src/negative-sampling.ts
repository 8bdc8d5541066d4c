import type { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';

/**
 * Draws items a user has NOT interacted with, uniformly, from a seeded generator. Users with
 * few positives use rejection sampling (a binary search per draw); users who hold more than
 * half the catalogue draw from an explicit list of their negatives, so sampling never stalls.
 * A positive is never returned.
 *
 * @example
 * const sampler = new NegativeSampler(matrix, seededRandom(1));
 * sampler.hasNegatives(0); // false only when user 0 has every item
 * sampler.sample(0); // an item index j with !matrix.has(0, j)
 */
export class NegativeSampler {
  private readonly complements = new Map<number, Int32Array>();

  constructor(
    readonly userItems: CsrMatrix,
    private readonly random: () => number,
  ) {}

  /** Whether `user` has at least one item to sample. */
  hasNegatives(user: number): boolean {
    const positives = this.userItems.indptr[user + 1]! - this.userItems.indptr[user]!;
    return positives < this.userItems.columns;
  }

  /** One negative item of `user`; throws when the user has every item. */
  sample(user: number): number {
    const matrix = this.userItems;
    const positives = matrix.indptr[user + 1]! - matrix.indptr[user]!;
    const items = matrix.columns;
    if (positives >= items) {
      throw invalidValue('user', 'NegativeSampler.sample', 'a user with at least one item not interacted with', user);
    }
    if (2 * positives <= items) {
      // Acceptance rate ≥ 1/2, so the expected number of draws is ≤ 2.
      for (;;) {
        const item = Math.floor(this.random() * items);
        if (!matrix.has(user, item)) return item;
      }
    }
    const complement = this.complementOf(user);
    return complement[Math.floor(this.random() * complement.length)]!;
  }

  /** Fills `out[k]` with a negative of `users[k]` for every k. */
  sampleMany(users: ArrayLike<number>, out: Int32Array): Int32Array {
    for (let k = 0; k < users.length; k++) out[k] = this.sample(users[k]!);
    return out;
  }

  private complementOf(user: number): Int32Array {
    let complement = this.complements.get(user);
    if (complement === undefined) {
      const positives = this.userItems.rowIndices(user);
      complement = new Int32Array(this.userItems.columns - positives.length);
      let next = 0;
      let cursor = 0;
      for (let item = 0; item < this.userItems.columns; item++) {
        if (cursor < positives.length && positives[cursor] === item) cursor++;
        else complement[next++] = item;
      }
      this.complements.set(user, complement);
    }
    return complement;
  }
}
