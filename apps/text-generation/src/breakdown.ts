// Where the GPT wins and loses against the n-gram: the validation targets grouped by how often
// their n-gram (history and target) occurred in the training rows. An n-gram model predicts a
// phrase it has counted well; a small GPT has to learn it from a few passes. The groups show
// which of the two the GPT's gap comes from.

/** Groups of training counts: [least, most] occurrences of the target's n-gram. */
export const COUNT_GROUPS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 1],
  [2, 4],
  [5, 19],
  [20, 99],
  [100, Infinity],
];

export interface CountGroup {
  /** e.g. "0", "2-4", "100+". */
  label: string;
  /** Validation targets whose n-gram occurred this often in training. */
  targets: number;
  /** Mean nats per target of the GPT and of the n-gram over them. */
  gpt: number;
  ngram: number;
}

/**
 * Mean loss of the GPT and of the n-gram per group of `COUNT_GROUPS`, from per-target losses
 * (nats, the same targets in the same order) and the training count of each target's n-gram.
 * Empty groups are left out.
 *
 * @example
 * lossByTrainingCount([3, 1], [4, 0.5], [0, 7]);
 * // [{ label: '0', targets: 1, gpt: 3, ngram: 4 }, { label: '5-19', targets: 1, gpt: 1, ngram: 0.5 }]
 */
export function lossByTrainingCount(gpt: ArrayLike<number>, ngram: ArrayLike<number>, counts: ArrayLike<number>): CountGroup[] {
  if (gpt.length !== ngram.length || gpt.length !== counts.length) {
    throw new RangeError(`lossByTrainingCount needs one GPT loss, one n-gram loss and one count per target; received ${gpt.length}, ${ngram.length} and ${counts.length}.`);
  }
  const sums = COUNT_GROUPS.map(() => ({ targets: 0, gpt: 0, ngram: 0 }));
  for (let i = 0; i < counts.length; i++) {
    const group = sums[COUNT_GROUPS.findIndex(([, most]) => counts[i]! <= most)]!;
    group.targets++;
    group.gpt += gpt[i]!;
    group.ngram += ngram[i]!;
  }
  return COUNT_GROUPS.flatMap(([least, most], g) => {
    const { targets, gpt: gptSum, ngram: ngramSum } = sums[g]!;
    if (targets === 0) return [];
    const label = most === Infinity ? `${least}+` : least === most ? `${least}` : `${least}-${most}`;
    return [{ label, targets, gpt: gptSum / targets, ngram: ngramSum / targets }];
  });
}
