import { describe, expect, it } from 'vitest';
import { lossByTrainingCount } from './breakdown.js';

describe('lossByTrainingCount', () => {
  it('averages each model over the targets of each count group, leaving empty groups out (hand-computed)', () => {
    const counts = [0, 0, 1, 3, 4, 250, 100];
    const gpt = [4, 2, 3, 1, 2, 0.5, 0.25];
    const ngram = [5, 5, 1, 0.5, 1.5, 0.75, 0.25];
    expect(lossByTrainingCount(gpt, ngram, counts)).toEqual([
      { label: '0', targets: 2, gpt: 3, ngram: 5 },
      { label: '1', targets: 1, gpt: 3, ngram: 1 },
      { label: '2-4', targets: 2, gpt: 1.5, ngram: 1 },
      { label: '100+', targets: 2, gpt: 0.375, ngram: 0.5 },
    ]);
  });

  it('names the lengths that do not match', () => {
    expect(() => lossByTrainingCount([1, 2], [1], [0, 0])).toThrow('one count per target; received 2, 1 and 2.');
  });
});
