import { readCsv, type ColumnSpec, type ColumnType, type CsvInput, type CsvRow } from '@loom-ml/data';

/** The 19 genre flags of MovieLens 100K's u.item, in file order. */
export const MOVIELENS_100K_GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'] as const;

/**
 * MovieLens ratings as columns: rating `i` is user `userId[i]`'s `rating[i]` of movie
 * `movieId[i]` at `timestamp[i]` (MovieLens' own ids).
 */
export interface Ratings {
  userId: Int32Array;
  movieId: Int32Array;
  /** 0.5 to 5 stars. */
  rating: Float32Array;
  /** Seconds since 1970-01-01 UTC. */
  timestamp: Float64Array;
  /** Number of ratings. */
  count: number;
}

/** A MovieLens movie: its id (as in `Ratings.movieId`), title, release year and genres. */
export interface Movie {
  movieId: number;
  title: string;
  /** Release year, or null when unknown. */
  year: number | null;
  /** Genre names; empty when none is listed. */
  genres: string[];
}

/** A MovieLens dataset (`loadMovieLensSmall`, `movieLensSmallFromCsv`, `loadMovieLens100k`, `loadMovieLens1m`): its ratings and its movies. */
export interface MovieLensData {
  ratings: Ratings;
  movies: Movie[];
}

export const MOVIELENS_RATINGS_SCHEMA: Record<string, ColumnType | ColumnSpec> = { userId: 'integer', movieId: 'integer', rating: 'number', timestamp: 'integer' };
export const MOVIELENS_MOVIES_SCHEMA: Record<string, ColumnType | ColumnSpec> = { movieId: 'integer', title: 'string', year: { type: 'integer', missing: null }, genres: 'string' };

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

export function moviesFromRows(rows: CsvRow[]): Movie[] {
  return rows.map((row) => ({
    movieId: row.movieId as number,
    title: String(row.title ?? ''),
    year: (row.year as number | null) ?? null,
    genres: typeof row.genres === 'string' && row.genres !== '(no genres listed)' ? row.genres.split('|') : [],
  }));
}

/**
 * Reads MovieLens latest-small from its two CSVs (this package's
 * `movielens_small_ratings.csv.gz` and `movielens_small_movies.csv.gz`, or the same columns),
 * each as text, a `Blob`/`File`, a fetch `Response` or a stream.
 *
 * @example
 * const { ratings, movies } = await movieLensSmallFromCsv({
 *   ratings: await fetch('/data/movielens_small_ratings.csv.gz'),
 *   movies: await fetch('/data/movielens_small_movies.csv.gz'),
 * });
 */
export async function movieLensSmallFromCsv(inputs: { ratings: CsvInput; movies: CsvInput }): Promise<MovieLensData> {
  const [ratingRows, movieRows] = await Promise.all([
    readCsv(inputs.ratings, { schema: MOVIELENS_RATINGS_SCHEMA }),
    readCsv(inputs.movies, { schema: MOVIELENS_MOVIES_SCHEMA }),
  ]);
  return { ratings: ratingsFromRows(ratingRows.rows), movies: moviesFromRows(movieRows.rows) };
}
