// The baseline the Transformer has to beat: an interpolated Kneser-Ney n-gram model (Chen &
// Goodman 1998, "An Empirical Study of Smoothing Techniques for Language Modeling", section
// 2.7, one discount per order D = n1 / (n1 + 2 n2)), fitted on the same token rows the
// Transformer trains on and scored on the same validation targets.
//
//   P(w | h) = max(c(h w) - D, 0) / c(h) + D * N1+(h ·) / c(h) * P(w | h minus its first token)
//
// where c counts n-grams at the highest order and, below it, continuation counts (how many
// distinct tokens precede the n-gram); a history never seen hands all its mass to the shorter
// one; the unigram level is interpolated with the uniform distribution over the vocabulary,
// so that every token has a probability above zero.

/** An n-gram as one base-V integer: a number while V^order fits 2^53, a bigint beyond. */
type Key = number | bigint;

/** Counts of one order: n-gram -> count, history -> [total, distinct next tokens]. */
interface Level {
  grams: Map<Key, number>;
  histories: Map<Key, [number, number]>;
  discount: number;
}

/** The base-V arithmetic on keys, in numbers or in bigints (one kind per model, never mixed). */
interface KeyMath {
  /** history ids context[start..] then token (or none when token < 0). */
  of(context: readonly number[], start: number, token: number): Key;
  /** The history with `token` after it. */
  extend(history: Key, token: number): Key;
  /** The n-gram without its first token, keeping the last `k` ids. */
  lastIds(key: Key, k: number): Key;
  /** The n-gram without its last token. */
  history(key: Key): Key;
}

function numberKeys(V: number): KeyMath {
  const powers = Array.from({ length: 9 }, (_, k) => V ** k);
  return {
    of: (context, start, token) => {
      let key = 0;
      for (let i = start; i < context.length; i++) key = key * V + context[i]!;
      return token < 0 ? key : key * V + token;
    },
    extend: (history, token) => (history as number) * V + token,
    lastIds: (key, k) => (key as number) % powers[k]!,
    history: (key) => Math.floor((key as number) / V),
  };
}

function bigintKeys(vocabularySize: number): KeyMath {
  const V = BigInt(vocabularySize);
  const powers = Array.from({ length: 9 }, (_, k) => V ** BigInt(k));
  return {
    of: (context, start, token) => {
      let key = 0n;
      for (let i = start; i < context.length; i++) key = key * V + BigInt(context[i]!);
      return token < 0 ? key : key * V + BigInt(token);
    },
    extend: (history, token) => (history as bigint) * V + BigInt(token),
    lastIds: (key, k) => (key as bigint) % powers[k]!,
    history: (key) => (key as bigint) / V,
  };
}

/**
 * An interpolated Kneser-Ney model of order `order` over ids `0..vocabularySize-1`. Rows are
 * scored the way a causal language model is: the token at position t from the ones before it in
 * its row, histories shorter than `order - 1` padded with `padId` on the left.
 *
 * @example
 * const ngram = KneserNey.fit(rows, { order: 4, vocabularySize: 1024, padId: 0 });
 * ngram.logProb([3, 1, 17], 42); // natural log of P(42 | 3 1 17)
 */
export class KneserNey {
  private constructor(
    readonly order: number,
    readonly vocabularySize: number,
    private readonly padId: number,
    private readonly levels: Level[], // levels[k - 1] holds order k
    private readonly keys: KeyMath,
  ) {}

  /**
   * Counts every n-gram of the rows' targets (positions 1.. of each row, up to its first
   * `padId` after position 0). `rows` is `[count * length]` ids, `length` ids per row.
   */
  static fit(rows: NgramRows, { order, vocabularySize, padId }: { order: number; vocabularySize: number; padId: number }): KneserNey {
    if (!(Number.isInteger(order) && order >= 1 && order <= 8)) throw new RangeError(`n-gram order must be an integer from 1 to 8; received ${order}.`);
    if (!(Number.isInteger(vocabularySize) && vocabularySize >= 1)) throw new RangeError(`vocabulary size must be a positive integer; received ${vocabularySize}.`);
    // Numbers are faster; bigints keep every key exact once V^order passes 2^53 (e.g. 1,024^6).
    const keys = vocabularySize ** order <= Number.MAX_SAFE_INTEGER ? numberKeys(vocabularySize) : bigintKeys(vocabularySize);
    // Highest order: plain counts of every (history, token) in the rows.
    const top = new Map<Key, number>();
    forEachTarget(rows, order, padId, (context, token) => {
      const key = keys.of(context, 0, token);
      top.set(key, (top.get(key) ?? 0) + 1);
    });
    const counts: Map<Key, number>[] = [];
    counts[order - 1] = top;
    // Lower orders: continuation counts, one per distinct left extension of the n-gram.
    for (let k = order - 1; k >= 1; k--) {
      const lower = new Map<Key, number>();
      for (const key of counts[k]!.keys()) {
        const shorter = keys.lastIds(key, k); // the order-(k+1) gram minus its first token
        lower.set(shorter, (lower.get(shorter) ?? 0) + 1);
      }
      counts[k - 1] = lower;
    }
    const levels = counts.map((grams): Level => {
      const histories = new Map<Key, [number, number]>();
      let n1 = 0;
      let n2 = 0;
      for (const [key, count] of grams) {
        const history = keys.history(key);
        const entry = histories.get(history);
        if (entry) {
          entry[0] += count;
          entry[1] += 1;
        } else histories.set(history, [count, 1]);
        if (count === 1) n1++;
        else if (count === 2) n2++;
      }
      const discount = n1 + n2 === 0 ? 0.5 : Math.min(0.95, Math.max(0.05, n1 / (n1 + 2 * n2)));
      return { grams, histories, discount };
    });
    return new KneserNey(order, vocabularySize, padId, levels, keys);
  }

  /** Natural log of P(token | the last `order - 1` ids of `history`, left-padded). */
  logProb(history: ArrayLike<number>, token: number): number {
    const context = new Array<number>(this.order - 1).fill(this.padId);
    const take = Math.min(history.length, this.order - 1);
    for (let i = 0; i < take; i++) context[this.order - 1 - take + i] = history[history.length - take + i]!;
    return Math.log(this.probability(context, token));
  }

  private probability(context: number[], token: number): number {
    let p = 1 / this.vocabularySize; // order 0: uniform
    for (let k = 1; k <= this.order; k++) {
      const level = this.levels[k - 1]!;
      const start = this.order - k; // order k uses the last k - 1 ids of the context
      const history = this.keys.of(context, start, -1);
      const seen = level.histories.get(history);
      if (seen === undefined) continue; // unseen history: the shorter one keeps all the mass
      const [total, distinct] = seen;
      const count = level.grams.get(this.keys.extend(history, token)) ?? 0;
      p = Math.max(count - level.discount, 0) / total + ((level.discount * distinct) / total) * p;
    }
    return p;
  }

  /**
   * Summed negative log-likelihood (nats) of every target in `rows` and how many there were,
   * the same targets `sequenceNll` scores for the Transformer.
   */
  nll(rows: NgramRows): { nats: number; tokens: number } {
    const perTarget = this.targetNll(rows);
    let nats = 0;
    for (const x of perTarget) nats += x;
    return { nats, tokens: perTarget.length };
  }

  /** -log P of every target of `rows`, in the order `nll` (and the GPT's `targetNll`) visits them. */
  targetNll(rows: NgramRows): Float64Array {
    const out: number[] = [];
    forEachTarget(rows, this.order, this.padId, (context, token) => out.push(-Math.log(this.probability(context, token))));
    return Float64Array.from(out);
  }

  /**
   * For every target of `rows` (in `targetNll`'s order), how many times its n-gram of the highest
   * order (its last `order - 1` ids of history, then it) occurred in the rows this model was fitted on.
   */
  trainingCounts(rows: NgramRows): Int32Array {
    const top = this.levels[this.order - 1]!.grams;
    const out: number[] = [];
    forEachTarget(rows, this.order, this.padId, (context, token) => out.push(top.get(this.keys.of(context, 0, token)) ?? 0));
    return Int32Array.from(out);
  }
}

/** Token rows as the n-gram reads them (src/corpus.ts's `Sequences`). */
export interface NgramRows {
  ids: Int32Array;
  count: number;
  length: number;
  /** Per row, the first target position counted or scored (sliding windows: the ids before it are history only); 1 when absent. */
  scoreFrom?: Int32Array;
}

/** Calls `visit(last order-1 ids before t, padded; id at t)` for every target t >= scoreFrom (1 by default) of every row, stopping at padding. */
function forEachTarget(rows: NgramRows, order: number, padId: number, visit: (context: number[], token: number) => void): void {
  const context = new Array<number>(order - 1);
  for (let r = 0; r < rows.count; r++) {
    const row = rows.ids.subarray(r * rows.length, (r + 1) * rows.length);
    for (let t = rows.scoreFrom?.[r] ?? 1; t < row.length; t++) {
      if (row[t] === padId) break;
      for (let i = 0; i < order - 1; i++) {
        const at = t - (order - 1) + i;
        context[i] = at >= 0 ? row[at]! : padId;
      }
      visit(context, row[t]!);
    }
  }
}
