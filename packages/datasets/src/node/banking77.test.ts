import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BANKING77_INTENTS, banking77FromCsv } from '../index.js';
import { loadBanking77, loadIntentCsv, shippedDataFile } from '../node.js';

// Counts, class sizes and first/last rows were computed independently with Python's csv module
// on the same files (and match /work/shared/data/README.md: 10,003 / 3,080 queries, 77 intents).
const scratch = await mkdtemp(join(tmpdir(), 'loom-banking77-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

function perIntent(labels: Int32Array): number[] {
  const counts = new Array<number>(BANKING77_INTENTS.length).fill(0);
  for (const label of labels) counts[label]!++;
  return counts;
}

describe('BANKING77', () => {
  it('the intents are the 77 of the shipped categories.json, in its order', async () => {
    const categories = JSON.parse(await readFile(shippedDataFile('banking77_categories.json'), 'utf8'));
    expect(BANKING77_INTENTS).toEqual(categories);
    expect(BANKING77_INTENTS).toHaveLength(77);
    expect(Object.isFrozen(BANKING77_INTENTS)).toBe(true);
  });

  it('train: 10,003 queries, 35 to 187 per intent', async () => {
    const train = await loadBanking77({ split: 'train' });
    expect(train.count).toBe(10_003);
    expect(train.texts).toHaveLength(10_003);
    expect(train.intents).toBe(BANKING77_INTENTS);
    const counts = perIntent(train.labels);
    expect(counts.slice(0, 5)).toEqual([153, 139, 112, 167, 166]);
    expect([Math.min(...counts), Math.max(...counts)]).toEqual([35, 187]);
    expect(BANKING77_INTENTS[counts.indexOf(35)]).toBe('contactless_not_working');
    expect([train.texts[0], train.intents[train.labels[0]!]]).toEqual(['I am still waiting on my card?', 'card_arrival']);
    expect([train.texts.at(-1), train.intents[train.labels.at(-1)!]]).toEqual(['Which countries are represented?', 'country_support']);
    // Quoted fields keep their quotes, commas and line breaks.
    expect(train.texts).toContain("\nI can't seem to be able to use my card\n\n\n");
    expect(train.texts.reduce((sum, text) => sum + text.length, 0)).toBe(594_916);
  });

  it('test: 3,080 queries, 40 per intent', async () => {
    const test = await loadBanking77({ split: 'test' });
    expect(test.count).toBe(3_080);
    expect(perIntent(test.labels).every((count) => count === 40)).toBe(true);
    expect(test.texts[0]).toBe('How do I locate my card?');
    expect(test.texts).toContain('Where can I find the "auto-top" feature?');
    expect(test.texts.reduce((sum, text) => sum + text.length, 0)).toBe(167_036);
  });

  it("reads PolyAI's original folder (train.csv plain, test.csv.gz) as it reads the shipped copy", async () => {
    const folder = join(scratch, 'banking_data');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder);
    await writeFile(join(folder, 'train.csv'), gunzipSync(await readFile(shippedDataFile('banking77_train.csv.gz'))));
    await writeFile(join(folder, 'test.csv.gz'), await readFile(shippedDataFile('banking77_test.csv.gz')));
    for (const split of ['train', 'test'] as const) {
      const original = await loadBanking77({ split, path: folder });
      const shipped = await loadBanking77({ split });
      expect(original.texts).toEqual(shipped.texts);
      expect(original.labels).toEqual(shipped.labels);
    }
  });

  it('names a bad split, a bad path and a missing file with where to get it', async () => {
    await expect(loadBanking77({ split: 'dev' as 'train' })).rejects.toThrow("Invalid value for `split` in loadBanking77. Expected 'train' or 'test'. Received: 'dev'.");
    await expect(loadBanking77({ split: 'test', path: '' })).rejects.toThrow("Invalid value for `path` in loadBanking77. Expected the folder holding PolyAI's train.csv and test.csv. Received: ''.");
    await expect(loadBanking77({ split: 'test', path: join(scratch, 'nowhere') })).rejects.toThrow(
      `loadBanking77: cannot read ${join(scratch, 'nowhere', 'test.csv.gz')}: no such file. Download train.csv and test.csv from https://github.com/PolyAI-LDN/task-specific-datasets`,
    );
  });

  it('banking77FromCsv reads the shipped gzipped file from a Blob as loadBanking77 does', async () => {
    const bytes = await readFile(shippedDataFile('banking77_test.csv.gz'));
    const fromBlob = await banking77FromCsv(new Blob([bytes]));
    const loaded = await loadBanking77({ split: 'test' });
    expect(fromBlob.texts).toEqual(loaded.texts);
    expect(fromBlob.labels).toEqual(loaded.labels);
  });
});

describe('loadIntentCsv (your own queries in the same layout)', () => {
  it('reads a plain or gzipped file; intents default to the sorted categories; the test file reuses them', async () => {
    const trainCsv = 'text,category,extra\n"Where is my card, please?",card_arrival,x\nI lost my phone,lost_phone,y\nCard not here yet,card_arrival,z\n';
    await writeFile(join(scratch, 'mine-train.csv.gz'), gzipSync(trainCsv));
    await writeFile(join(scratch, 'mine-test.csv'), 'text,category\nphone gone,lost_phone\n');
    const train = await loadIntentCsv({ path: join(scratch, 'mine-train.csv.gz') });
    expect(train).toEqual({ texts: ['Where is my card, please?', 'I lost my phone', 'Card not here yet'], labels: Int32Array.from([0, 1, 0]), intents: ['card_arrival', 'lost_phone'], count: 3 });
    const test = await loadIntentCsv({ path: join(scratch, 'mine-test.csv'), intents: ['lost_phone', 'card_arrival'] });
    expect(Array.from(test.labels)).toEqual([0]);
  });

  it('a query may read NA or null; an empty text, a missing column or an unknown category names the file and row', async () => {
    const path = join(scratch, 'odd.csv');
    await writeFile(path, 'text,category\nNA,a\nnull,b\n');
    expect((await loadIntentCsv({ path })).texts).toEqual(['NA', 'null']);
    await writeFile(path, 'text,category\nhello,a\n,b\n');
    await expect(loadIntentCsv({ path })).rejects.toThrow(/line 3.*text/);
    await writeFile(path, 'query,category\nhello,a\n');
    await expect(loadIntentCsv({ path })).rejects.toThrow(/text/);
    await writeFile(path, `text,category\nhello,a\nbye,${'z'.repeat(500)}\n`);
    const error = await loadIntentCsv({ path, intents: ['a'] }).catch((e: Error) => e);
    expect((error as Error).message).toBe(`loadIntentCsv: ${path} row 2 has the category '${'z'.repeat(80)}…' (500 characters), which is not one of the 1 intents ('a', ...).`);
  });

  it('checks its options', async () => {
    await expect(loadIntentCsv({ path: 3 as unknown as string })).rejects.toThrow('Invalid value for `path` in loadIntentCsv. Expected the path of a CSV file with columns text and category. Received: 3.');
    await expect(loadIntentCsv({ path: 'x.csv', intents: ['a', 'a'] })).rejects.toThrow("Invalid value for `intents` in loadIntentCsv. Expected a non-empty array of distinct non-empty strings. Received: ['a', 'a'].");
    await expect(loadIntentCsv({ path: join(scratch, 'absent.csv') })).rejects.toThrow(`loadIntentCsv: cannot read ${join(scratch, 'absent.csv')}: no such file.`);
  });
});
