import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_MOVIES, FIXTURE_RATINGS } from '../test/fixture-bundle.js';
import { displayTitle, parseCsvLine, readMovies, readRatings } from './movielens.js';

const directory = await mkdtemp(join(tmpdir(), 'movie-recs-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('MovieLens CSV', () => {
  it('parses quoted fields with commas and doubled quotes', () => {
    expect(parseCsvLine('11,"American President, The",1995')).toEqual(['11', 'American President, The', '1995']);
    expect(parseCsvLine('1,"Say ""hi""",')).toEqual(['1', 'Say "hi"', '']);
  });

  it('reads the converted movies file (year column) and drops "(no genres listed)"', async () => {
    const movies = await readMovies(FIXTURE_MOVIES);
    expect(movies).toHaveLength(13);
    expect(displayTitle(movies[8]!)).toBe('American President, The (1995)');
    expect(displayTitle(movies[11]!)).toBe('Sleepless in Seattle, "The" Cut (1993)');
    expect(movies[12]!.genres).toEqual([]);
  });

  it("reads GroupLens' original format with the year in the title, gzipped", async () => {
    const path = join(directory, 'movies.csv.gz');
    await writeFile(path, gzipSync('movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,Untitled,Drama\n'));
    const movies = await readMovies(path);
    expect(movies).toEqual([
      { id: 1, title: 'Toy Story', year: 1995, genres: ['Adventure', 'Animation'] },
      { id: 2, title: 'Untitled', year: null, genres: ['Drama'] },
    ]);
  });

  it('names a missing file', async () => {
    await expect(readRatings(join(directory, 'nope.csv'))).rejects.toThrow(
      `Invalid value for \`path\` in readMovieLens. Expected an existing CSV file (pass --ratings and --movies). Received: '${join(directory, 'nope.csv')}'.`,
    );
  });

  it('reads ratings as implicit events and rejects a file without the columns', async () => {
    const events = await readRatings(FIXTURE_RATINGS);
    expect(events).toHaveLength(96);
    expect(events[0]).toEqual({ user: 1, item: 2, value: 1, timestamp: 1000 });
    await expect(readRatings(FIXTURE_MOVIES)).rejects.toThrow(
      `Invalid value for \`header\` in ${FIXTURE_MOVIES}. Expected a CSV header with columns userId, movieId. Received: 'movieId,title,year,genres'.`,
    );
  });
});
