import { describe, expect, it } from 'vitest';
import { SHUTTLE_CLASSES } from '../index.js';
import { loadFineFoods, loadLendingClub, loadShuttle } from '../node.js';

// Expected counts were computed independently with Python's csv module on the same files,
// and match /work/shared/data/README.md (lending club) and UCI's published shuttle class sizes.
describe('shipped tabular datasets', () => {
  it('lending club: 9,857 loans, 517 bad, typed features', async () => {
    const loans = await loadLendingClub();
    expect(loans.length).toBe(9_857);
    expect(loans.filter((loan) => loan.Class === 'bad').length).toBe(517);
    expect(loans.filter((loan) => loan.Class === 'good').length).toBe(9_340);
    expect(loans[0]).toMatchObject({ funded_amnt: 16100, term: 'term_36', int_rate: 13.99, sub_grade: 'C4', addr_state: 'CT', Class: 'good' });
  });

  it('shuttle: 58,000 rows, UCI class sizes', async () => {
    const { features, labels, count } = await loadShuttle();
    expect(count).toBe(58_000);
    expect(features.length).toBe(58_000 * 9);
    expect(Array.from(features.subarray(0, 9))).toEqual([50, 21, 77, 0, 28, 0, 27, 48, 22]);
    const perClass = new Array(SHUTTLE_CLASSES.length).fill(0);
    for (const label of labels) perClass[label]++;
    expect(perClass).toEqual([45_586, 50, 171, 8_903, 3_267, 10, 13]);
  });

  it('fine foods: 4,000 / 1,000 reviews with their great/other balance', async () => {
    const train = await loadFineFoods({ split: 'train' });
    const test = await loadFineFoods({ split: 'test' });
    expect([train.length, train.filter((r) => r.score === 'great').length]).toEqual([4_000, 2_600]);
    expect([test.length, test.filter((r) => r.score === 'great').length]).toEqual([1_000, 658]);
    expect(test[0]?.product).toBe('B005GXFP60');
  });

  it('fine foods: names a bad split', async () => {
    await expect(loadFineFoods({ split: 'dev' as 'train' })).rejects.toThrow("Invalid value for `split` in loadFineFoods. Expected 'train' or 'test'. Received: 'dev'.");
  });
});
