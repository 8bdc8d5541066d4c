import { parseArgs } from 'node:util';
import { AppError, invalidValue } from './errors.js';

/** What the `recommend` CLI was asked for. */
export type RecommendRequest =
  | { mode: 'user'; user: number; k: number; model: string }
  | { mode: 'likes'; likes: string[]; k: number; model: string };

export const RECOMMEND_USAGE = `Usage:
  pnpm recommend --user 42                       top-10 for MovieLens user 42
  pnpm recommend --like "Toy Story (1995)" --like "Jumanji (1995)"   for a new user
Options: --k 10 (how many), --model runs/latest (a directory written by pnpm start)`;

/**
 * Parses the `recommend` CLI arguments; bad input throws an {@link AppError} naming the flag.
 *
 * @example
 * parseRecommendArgs(['--user', '42']); // { mode: 'user', user: 42, k: 10, model: 'runs/latest' }
 */
export function parseRecommendArgs(argv: readonly string[]): RecommendRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        user: { type: 'string' },
        like: { type: 'string', multiple: true },
        k: { type: 'string', default: '10' },
        model: { type: 'string', default: 'runs/latest' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AppError(`${(error as Error).message.replace(/\s*To specify a positional argument.*$/s, '')}\n${RECOMMEND_USAGE}`);
  }
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw invalidValue('--k', 'recommend', 'an integer from 1 to 100', values.k);
  const likes = values.like ?? [];
  if (values.user !== undefined && likes.length > 0) {
    throw invalidValue('--user', 'recommend', 'either --user or --like, not both', `--user ${values.user} with ${likes.length} --like`);
  }
  if (values.user !== undefined) {
    const user = Number(values.user);
    if (!/^\d+$/.test(values.user.trim()) || !Number.isSafeInteger(user) || user < 1) {
      throw invalidValue('--user', 'recommend', 'a positive integer user id', values.user);
    }
    return { mode: 'user', user, k, model: values.model };
  }
  if (likes.length === 0) throw new AppError(`Nothing to recommend for: give --user <id> or --like "<title (year)>".\n${RECOMMEND_USAGE}`);
  for (const title of likes) {
    if (title.trim() === '') throw invalidValue('--like', 'recommend', 'a movie title such as "Toy Story (1995)"', title);
  }
  return { mode: 'likes', likes, k, model: values.model };
}
