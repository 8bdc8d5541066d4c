import { parseArgs } from 'node:util';
import { AppError, invalidValue } from './errors.js';
import { checkBinding, defaultAllowedHosts, MIN_API_KEY_LENGTH, type GuardOptions } from './http-guard.js';

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

/**
 * A CLI flag as a number in [min, max], or the flag's own error (exit code 2 in the scripts).
 *
 * @example
 * numberFlag('port', '3000', { integer: true, min: 0, max: 65535 }); // 3000
 */
export function numberFlag(name: string, value: string | undefined, { min = -Infinity, max = Infinity, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    const range = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` and <= ${max}` : ''}`;
    throw invalidValue(`--${name}`, 'the command line', range, value);
  }
  return parsed;
}

/** The HTTP-service flags `serve` and `start` share (node:util parseArgs options). */
export const SERVICE_FLAGS = {
  host: { type: 'string', default: '127.0.0.1' },
  'api-key': { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'rate-limit': { type: 'string' },
  'rate-burst': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-connections-per-client': { type: 'string' },
} as const;

/** Values of {@link SERVICE_FLAGS} as parseArgs returns them. */
export interface ServiceFlagValues {
  host?: string;
  'api-key'?: string;
  'allowed-hosts'?: string;
  'rate-limit'?: string;
  'rate-burst'?: string;
  'max-connections'?: string;
  'max-connections-per-client'?: string;
}

/**
 * The address to listen on and the server's access options from the service flags. The API key
 * comes from `--api-key` or else the LOOM_API_KEY environment variable (which, unlike a flag,
 * other users of the machine cannot read in the process list); binding anywhere but loopback
 * without one is refused ({@link checkBinding}). `--allowed-hosts` is a comma-separated list.
 *
 * @example
 * serviceOptions({ host: '0.0.0.0' }, { LOOM_API_KEY: 'a-long-random-secret' }).options.apiKey; // 'a-long-random-secret'
 */
export function serviceOptions(values: ServiceFlagValues, env: Record<string, string | undefined> = process.env): { host: string; options: GuardOptions } {
  const host = (values.host ?? '127.0.0.1').trim();
  if (host === '') throw invalidValue('--host', 'the command line', 'an address to listen on, such as 127.0.0.1', values.host);
  const fromEnv = env.LOOM_API_KEY === '' ? undefined : env.LOOM_API_KEY;
  const apiKey = values['api-key'] ?? fromEnv;
  if (apiKey !== undefined && apiKey.length < MIN_API_KEY_LENGTH) {
    throw invalidValue(values['api-key'] === undefined ? 'LOOM_API_KEY' : '--api-key', 'the command line', `a secret of at least ${MIN_API_KEY_LENGTH} characters`, `${apiKey.length} characters`);
  }
  checkBinding(host, apiKey);
  const listed = values['allowed-hosts']?.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (listed !== undefined && listed.length === 0) throw invalidValue('--allowed-hosts', 'the command line', 'a comma-separated list of host names', values['allowed-hosts']);
  return {
    host,
    options: {
      apiKey,
      allowedHosts: listed ?? defaultAllowedHosts(host),
      rateLimit: numberFlag('rate-limit', values['rate-limit'], { min: 0 }),
      rateBurst: numberFlag('rate-burst', values['rate-burst'], { integer: true, min: 1 }),
      maxConnections: numberFlag('max-connections', values['max-connections'], { integer: true, min: 1 }),
      maxConnectionsPerClient: numberFlag('max-connections-per-client', values['max-connections-per-client'], { integer: true, min: 1 }),
    },
  };
}

/**
 * parseArgs' own errors (an unknown flag, a missing value) as an {@link AppError}, so the scripts
 * print one line and exit with code 2 instead of a stack trace; any other error as it is.
 *
 * @example
 * try { parseArgs({ options }); } catch (error) { throw flagError(error); }
 */
export function flagError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') ? new AppError((error as Error).message.replace(/\s*To specify a positional argument.*$/s, '')) : error;
}

/** What `pnpm serve` was asked for. */
export interface ServeRequest {
  port: number;
  model: string;
  host: string;
  options: GuardOptions;
}

export const SERVE_USAGE = `Usage: pnpm serve [--port 3000] [--model runs/latest] [--host 127.0.0.1] [--api-key <key>]
  [--allowed-hosts a.example,b.example] [--rate-limit 10] [--rate-burst 30]
  [--max-connections 256] [--max-connections-per-client 32]
LOOM_API_KEY sets the key without showing it in the process list.`;

/**
 * Parses the `serve` CLI arguments; bad input throws an {@link AppError} naming the flag.
 *
 * @example
 * parseServeArgs(['--port', '8080'], {}); // { port: 8080, model: 'runs/latest', host: '127.0.0.1', options: { ... } }
 */
export function parseServeArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): ServeRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string', default: '3000' }, model: { type: 'string', default: 'runs/latest' }, ...SERVICE_FLAGS },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AppError(`${(flagError(error) as Error).message}\n${SERVE_USAGE}`);
  }
  const port = numberFlag('port', values.port, { integer: true, min: 0, max: 65535 })!;
  return { port, model: values.model, ...serviceOptions(values, env) };
}
