import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadImdb } from '../node.js';

describe('loadImdb', () => {
  it('loads 25,000 balanced train and 25,000 balanced test reviews, disjoint by position', async () => {
    const [train, test] = await Promise.all([loadImdb({ split: 'train' }), loadImdb({ split: 'test' })]);
    for (const data of [train, test]) {
      expect(data.texts).toHaveLength(25_000);
      expect(data.labels).toHaveLength(25_000);
      expect(data.labels.reduce((a, b) => a + b, 0)).toBe(12_500);
      expect(data.texts.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    }
    // The package's first review (its README shows it): negative, the first train example.
    expect(train.texts[0]!.startsWith('Once again Mr. Costner has dragged out a movie')).toBe(true);
    expect(train.labels[0]).toBe(0);
    expect(train.texts[0]).not.toBe(test.texts[0]);
  }, 20_000);

  it('keeps a balanced prefix with limit', async () => {
    const { texts, labels } = await loadImdb({ split: 'test', limit: 5 });
    expect(texts).toHaveLength(5);
    expect(Array.from(labels)).toEqual([0, 1, 0, 1, 0]);
  });

  it('names bad options and malformed files', async () => {
    await expect(loadImdb({ split: 'validation' as never })).rejects.toThrow("Invalid value for `split` in loadImdb. Expected 'train' or 'test'. Received: 'validation'.");
    await expect(loadImdb({ split: 'train', limit: 0 })).rejects.toThrow('Invalid value for `limit` in loadImdb. Expected a positive integer. Received: 0.');
    const file = join(await mkdtemp(join(tmpdir(), 'imdb-')), 'reviews.json');
    await writeFile(file, JSON.stringify([{ t: 'x', s: 1 }]));
    await expect(loadImdb({ split: 'train', file })).rejects.toThrow(`loadImdb: ${file} should hold a JSON array of 50000 reviews; found 1.`);
  });
});
