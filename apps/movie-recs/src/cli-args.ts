// The commands of this app and their flags (the convention of src/command-line.ts). Kept apart
// from the scripts, and light (no model code), so that `--help` and a bad flag answer at once,
// and so that the tests and the README tables use the same definitions.
import { decimal, defineCommand, integer, list, outFlag, portFlag, quietFlag, seedFlag, text, threadsFlag, toggle, UsageError, type Parsed } from './command-line.js';
import { DEFAULT_MOVIES_PATH, DEFAULT_RATINGS_PATH } from './movielens.js';
import { serviceFlags } from './service-flags.js';

/** What the server uses when not told (server.ts's RECS_RATE_DEFAULTS; a test keeps them equal). */
const RATE_DEFAULTS = { rateLimit: 10, rateBurst: 30 };

const modelFlag = text({ description: 'folder pnpm start saved the model in', placeholder: 'DIR', default: 'runs/latest', expected: 'a folder' });

/** `pnpm start` (and `pnpm full`, which is `pnpm start --full`). */
export const startCommand = defineCommand({
  name: 'pnpm start',
  summary: 'Trains popularity, item-kNN, implicit ALS and BPR on MovieLens, prints one evaluation table, and saves ALS fitted on every rating for recommend and serve.',
  flags: {
    ratings: text({ description: 'MovieLens ratings CSV (userId,movieId,rating,timestamp; .gz or plain)', placeholder: 'PATH', default: DEFAULT_RATINGS_PATH, expected: 'a file' }),
    movies: text({ description: 'MovieLens movies CSV (movieId,title,genres; .gz or plain)', placeholder: 'PATH', default: DEFAULT_MOVIES_PATH, expected: 'a file' }),
    full: toggle({ description: 'what pnpm full runs: adds WARP and a two-tower model with genre features' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs/latest', 'folder the served model and the catalogue are saved in'),
    quiet: quietFlag(),
  },
  examples: ['pnpm start --seed 1', 'pnpm start --ratings ml-latest-small/ratings.csv --movies ml-latest-small/movies.csv'],
});

/** `pnpm recommend`. */
export const recommendCommand = defineCommand({
  name: 'pnpm recommend',
  summary: 'Prints the top movies (title and genres) for a MovieLens user, or for a new user described by movies they like.',
  flags: {
    user: integer({ description: 'a MovieLens user id: their top movies, leaving out what they rated', min: 1, defaultText: 'none' }),
    like: list({ description: 'a movie a new user likes, exact title with the year', placeholder: '"TITLE (YEAR)"', expected: 'a movie title such as "Toy Story (1995)"' }),
    k: integer({ description: 'how many movies', default: 10, min: 1, max: 100 }),
    model: modelFlag,
  },
  examples: ['pnpm recommend --user 42', 'pnpm recommend --like "Toy Story (1995)" --like "Jumanji (1995)" --k 5'],
});

/** What the `recommend` CLI was asked for. */
export type RecommendRequest =
  | { mode: 'user'; user: number; k: number; model: string }
  | { mode: 'likes'; likes: string[]; k: number; model: string };

/**
 * The request of a `recommend` command line: `--user` or `--like`, not both, not neither.
 *
 * @example
 * recommendRequest(parsed); // { mode: 'user', user: 42, k: 10, model: 'runs/latest' }
 */
export function recommendRequest({ values }: Parsed<typeof recommendCommand.flags>): RecommendRequest {
  const { user, like: likes, k, model } = values;
  if (user !== undefined && likes.length > 0) throw new UsageError(`\`--user\` cannot be combined with \`--like\` in ${recommendCommand.name}: give one user id or the movies a new user likes.`);
  if (user !== undefined) return { mode: 'user', user, k, model };
  if (likes.length === 0) throw new UsageError(`Nothing to recommend for in ${recommendCommand.name}: give --user ID or --like "TITLE (YEAR)".`);
  return { mode: 'likes', likes, k, model };
}

/** `pnpm serve`. */
export const serveCommand = defineCommand({
  name: 'pnpm serve',
  summary: 'Serves the model pnpm start saved: the web page, GET /api/movies and POST /api/recommend.',
  flags: {
    model: modelFlag,
    port: portFlag(),
    ...serviceFlags(RATE_DEFAULTS),
  },
  examples: ['pnpm serve --port 8080', 'LOOM_API_KEY=a-long-random-secret pnpm serve --host 0.0.0.0 --allowed-hosts movies.internal.example'],
});

/** `pnpm abuse`. */
export const abuseCommand = defineCommand({
  name: 'pnpm abuse',
  summary: 'A bounded load and abuse run on loopback (normal load, slowloris, oversized requests) against the default limits.',
  flags: {
    model: modelFlag,
    duration: decimal({ description: 'seconds per phase (the slowloris phases run at least 12)', placeholder: 'S', default: 5, min: 1, max: 30 }),
  },
  examples: ['pnpm abuse --duration 10'],
});
