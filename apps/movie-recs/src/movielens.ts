import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { InteractionEvent } from '@loom-ml/recommenders';
import { invalidValue } from './errors.js';

/** One movie of the catalogue. */
export interface Movie {
  id: number;
  title: string;
  year: number | null;
  genres: string[];
}

/** Default local copies (until `@loom-ml/datasets` ships `loadMovieLensSmall()`). */
export const DEFAULT_RATINGS_PATH = '/work/shared/data/movielens_small_ratings.csv.gz';
export const DEFAULT_MOVIES_PATH = '/work/shared/data/movielens_small_movies.csv.gz';

/**
 * Splits one CSV line into fields (RFC 4180 quoting: "a, b" and "" for a quote).
 *
 * @example
 * parseCsvLine('11,"American President, The",1995'); // ['11', 'American President, The', '1995']
 */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') fields.push(field), (field = '');
    else field += char;
  }
  fields.push(field);
  return fields;
}

/** "Toy Story (1995)": the title users type and see. */
export function displayTitle(movie: Movie): string {
  return movie.year === null ? movie.title : `${movie.title} (${movie.year})`;
}

async function readText(path: string): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw invalidValue('path', 'readMovieLens', 'an existing CSV file (pass --ratings and --movies)', path);
  }
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

function rows(text: string, path: string, required: string[]): { header: string[]; lines: string[][] } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = parseCsvLine(lines[0] ?? '');
  for (const column of required) {
    if (!header.includes(column)) throw invalidValue('header', path, `a CSV header with columns ${required.join(', ')}`, header.join(','));
  }
  return { header, lines: lines.slice(1).map(parseCsvLine) };
}

/**
 * Reads ratings (userId,movieId,rating,timestamp) as events. Every rating counts as one
 * implicit interaction (value 1): "watched and rated" is the signal the models learn.
 */
export async function readRatings(path: string): Promise<InteractionEvent[]> {
  const { header, lines } = rows(await readText(path), path, ['userId', 'movieId']);
  const user = header.indexOf('userId');
  const item = header.indexOf('movieId');
  const timestamp = header.indexOf('timestamp');
  return lines.map((fields) => ({
    user: Number(fields[user]),
    item: Number(fields[item]),
    value: 1,
    ...(timestamp >= 0 ? { timestamp: Number(fields[timestamp]) } : {}),
  }));
}

/**
 * Reads movies: `movieId,title,year,genres` (the converted copy) or GroupLens' original
 * `movieId,title,genres` with the year inside the title ("Toy Story (1995)").
 */
export async function readMovies(path: string): Promise<Movie[]> {
  const { header, lines } = rows(await readText(path), path, ['movieId', 'title', 'genres']);
  const id = header.indexOf('movieId');
  const title = header.indexOf('title');
  const year = header.indexOf('year');
  const genres = header.indexOf('genres');
  return lines.map((fields) => {
    let name = (fields[title] ?? '').trim();
    let released: number | null = year >= 0 && fields[year] !== '' && fields[year] !== 'NA' ? Number(fields[year]) : null;
    const inTitle = /^(.*) \((\d{4})\)$/.exec(name);
    if (year < 0 && inTitle !== null) (name = inTitle[1]!), (released = Number(inTitle[2]));
    const list = (fields[genres] ?? '').split('|').filter((genre) => genre !== '' && genre !== '(no genres listed)');
    return { id: Number(fields[id]), title: name, year: Number.isFinite(released) ? released : null, genres: list };
  });
}
