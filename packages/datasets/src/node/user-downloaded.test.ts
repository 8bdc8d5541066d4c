import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCreditCardFraud, loadFashionMnist, loadMovieLens100k, loadMovieLens1m } from '../node.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

describe('loaders for data users download themselves (fixtures in the original formats)', () => {
  it('MovieLens 100K: u.data tabs, u.item pipes in Latin-1 with 19 genre flags', async () => {
    const { ratings, movies } = await loadMovieLens100k({ path: fixture('ml-100k') });
    expect(ratings.count).toBe(3);
    expect([ratings.userId[0], ratings.movieId[0], ratings.rating[0], ratings.timestamp[0]]).toEqual([196, 242, 3, 881250949]);
    expect(movies[0]).toEqual({ movieId: 1, title: 'Toy Story', year: 1995, genres: ['Animation', "Children's", 'Comedy'] });
    expect(movies[1]).toEqual({ movieId: 1682, title: 'Misérables, Les', year: 1995, genres: ['Drama'] });
  });

  it('MovieLens 1M: :: separators, Latin-1', async () => {
    const { ratings, movies } = await loadMovieLens1m({ path: fixture('ml-1m') });
    expect(Array.from(ratings.rating)).toEqual([5, 3, 4]);
    expect(Array.from(ratings.movieId)).toEqual([1193, 661, 3068]);
    expect(movies.map((m) => m.title)).toEqual(['Toy Story', 'Verdict, The', 'Cape Fear', 'Misérables, Les']);
    expect(movies[0]?.genres).toEqual(['Animation', "Children's", 'Comedy']);
  });

  it('creditcard.csv: quoted header names, 30 features, quoted class', async () => {
    const { features, featureNames, labels, count } = await loadCreditCardFraud({ path: fixture('creditcard.csv') });
    expect(count).toBe(3);
    expect(featureNames.length).toBe(30);
    expect(Array.from(labels)).toEqual([0, 0, 1]);
    expect(features[0]).toBe(0);
    expect(features[29]).toBeCloseTo(149.62, 4);
    expect(features[60]).toBe(406);
  });

  it('Fashion-MNIST: gzipped IDX, pixels scaled by 1/255', async () => {
    const data = await loadFashionMnist({ split: 'test', path: fixture('fashion-mnist') });
    expect(data.count).toBe(3);
    expect(data.imageShape).toEqual([2, 3]);
    expect(Array.from(data.labels)).toEqual([9, 0, 3]);
    expect(data.images[1]).toBe(1);
    expect(data.images[2]).toBeCloseTo(128 / 255, 6);
  });

  it('missing paths name the path and where to get the data', async () => {
    await expect(loadMovieLens100k({ path: '/nonexistent/ml-100k' })).rejects.toThrow('loadMovieLens100k: cannot read /nonexistent/ml-100k/u.data: no such file. Download ml-100k.zip from https://grouplens.org/datasets/movielens/100k/');
    await expect(loadMovieLens1m({ path: '/nonexistent/ml-1m' })).rejects.toThrow('loadMovieLens1m: cannot read /nonexistent/ml-1m/ratings.dat: no such file. Download ml-1m.zip');
    await expect(loadCreditCardFraud({ path: '/nonexistent/creditcard.csv' })).rejects.toThrow('loadCreditCardFraud: cannot read /nonexistent/creditcard.csv: no such file. Download creditcard.csv');
    await expect(loadFashionMnist({ split: 'train', path: '/nonexistent/fm' })).rejects.toThrow('loadFashionMnist: cannot read /nonexistent/fm/train-images-idx3-ubyte(.gz): no such file. Install it with `apt-get install dataset-fashion-mnist`, or pass `path`');
    await expect(loadMovieLens1m({ path: '' })).rejects.toThrow("Invalid value for `path` in loadMovieLens1m. Expected the path of the unpacked folder. Received: ''.");
  });

  it('MovieLens files larger than maxBytes are refused before reading; bad lines are named and cut', async () => {
    // u.data of the fixture is 3 lines (59 bytes): a 40-byte limit refuses it by name.
    await expect(loadMovieLens100k({ path: fixture('ml-100k'), maxBytes: 40 })).rejects.toThrow(/^loadMovieLens100k: The MovieLens file .*ml-100k\/u\.data has 59 bytes, more than the limit of 40 \(raise maxBytes if you trust it\)\.$/);
    await expect(loadMovieLens1m({ path: fixture('ml-1m'), maxBytes: 0 })).rejects.toThrow('Invalid value for `maxBytes` in loadMovieLens1m. Expected a positive integer (bytes). Received: 0.');
    const folder = await mkdtemp(join(tmpdir(), 'loom-ml1m-'));
    try {
      await writeFile(join(folder, 'ratings.dat'), `1::2::3::4\n${'x'.repeat(10_000)}\n`);
      await writeFile(join(folder, 'movies.dat'), '1::Toy Story (1995)::Comedy\n');
      await expect(loadMovieLens1m({ path: folder })).rejects.toThrow(/^ratings\.dat line 2: expected user, item, rating, timestamp\. Received: 'x{80}…' \(10000 characters\)\.$/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
