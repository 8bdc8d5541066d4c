import { readCsvFile } from '@loom-ml/data';
import { requireFile, shippedDataFile } from './shipped-data.js';

export interface Ratings {
  userId: Int32Array;
  movieId: Int32Array;
  /** 0.5 to 5 stars. */
  rating: Float32Array;
  /** Seconds since 1970-01-01 UTC. */
  timestamp: Float64Array;
  count: number;
}

export interface Movie {
  movieId: number;
  title: string;
  /** Release year, or null when unknown. */
  year: number | null;
  genres: string[];
}

export interface MovieLensData {
  ratings: Ratings;
  movies: Movie[];
}

/** Turns parsed rows into column typed arrays. */
export function ratingsFromRows(rows: ReadonlyArray<Record<string, unknown>>): Ratings {
  const count = rows.length;
  const ratings: Ratings = { userId: new Int32Array(count), movieId: new Int32Array(count), rating: new Float32Array(count), timestamp: new Float64Array(count), count };
  rows.forEach((row, i) => {
    ratings.userId[i] = row.userId as number;
    ratings.movieId[i] = row.movieId as number;
    ratings.rating[i] = row.rating as number;
    ratings.timestamp[i] = row.timestamp as number;
  });
  return ratings;
}

/**
 * Loads MovieLens latest-small (GroupLens, 2016 snapshot as shipped in R's dslabs): 100,004
 * ratings by 671 users of 9,066 movies, plus titles and genre lists. Shipped in this package.
 *
 * @example
 * const { ratings, movies } = await loadMovieLensSmall();
 * console.log(ratings.count, movies[0]?.title); // 100004 'Toy Story'
 */
export async function loadMovieLensSmall(): Promise<MovieLensData> {
  const ratingsPath = shippedDataFile('movielens_small_ratings.csv.gz');
  const moviesPath = shippedDataFile('movielens_small_movies.csv.gz');
  const help = 'It ships in the data/ folder of @loom-ml/datasets; reinstall the package.';
  await requireFile(ratingsPath, 'loadMovieLensSmall', help);
  await requireFile(moviesPath, 'loadMovieLensSmall', help);
  const [ratingRows, movieRows] = await Promise.all([
    readCsvFile(ratingsPath, { schema: { userId: 'integer', movieId: 'integer', rating: 'number', timestamp: 'integer' } }),
    readCsvFile(moviesPath, { schema: { movieId: 'integer', title: 'string', year: { type: 'integer', missing: null }, genres: 'string' } }),
  ]);
  const movies = movieRows.rows.map((row) => ({
    movieId: row.movieId as number,
    title: String(row.title ?? ''),
    year: (row.year as number | null) ?? null,
    genres: typeof row.genres === 'string' && row.genres !== '(no genres listed)' ? row.genres.split('|') : [],
  }));
  return { ratings: ratingsFromRows(ratingRows.rows), movies };
}
