import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recommendCommand, recommendRequest, serveCommand, startCommand } from './cli-args.js';
import { parseCommandLine, UsageError } from './command-line.js';
import { RECS_RATE_DEFAULTS } from './server.js';

function request(argv: string[]) {
  const parsed = parseCommandLine(recommendCommand, argv);
  if (parsed === 'help') throw new Error('unexpected help');
  return recommendRequest(parsed);
}

describe('recommendRequest', () => {
  it('reads --user and repeated --like with defaults', () => {
    expect(request(['--user', '42'])).toEqual({ mode: 'user', user: 42, k: 10, model: 'runs/latest' });
    expect(request(['--like', 'Toy Story (1995)', '--like', 'Jumanji (1995)', '--k', '5', '--model', 'x'])).toEqual({
      mode: 'likes',
      likes: ['Toy Story (1995)', 'Jumanji (1995)'],
      k: 5,
      model: 'x',
    });
  });

  it('names the offending flag', () => {
    expect(() => request(['--user', 'abc'])).toThrow("Invalid value for `--user` in pnpm recommend. Expected a positive integer. Received: 'abc'.");
    expect(() => request(['--user', '0'])).toThrow("Invalid value for `--user` in pnpm recommend. Expected a positive integer. Received: '0'.");
    expect(() => request(['--user', '4', '--k', '0'])).toThrow("Invalid value for `--k` in pnpm recommend. Expected an integer from 1 to 100. Received: '0'.");
    expect(() => request(['--user', '4', '--like', 'Alien (1979)'])).toThrow(
      new UsageError('`--user` cannot be combined with `--like` in pnpm recommend: give one user id or the movies a new user likes.'),
    );
    expect(() => request(['--like', '  '])).toThrow("Invalid value for `--like` in pnpm recommend. Expected a movie title such as \"Toy Story (1995)\". Received: '  '.");
  });

  it('explains what is missing or unknown', () => {
    expect(() => request([])).toThrow(new UsageError('Nothing to recommend for in pnpm recommend: give --user ID or --like "TITLE (YEAR)".'));
    expect(() => request(['--users', '4'])).toThrow('Unknown flag `--users` for pnpm recommend. Did you mean `--user`?');
    expect(() => request(['42'])).toThrow("Unexpected argument '42' for pnpm recommend: it takes only flags (--name value).");
  });
});

describe('the commands', () => {
  it("show the server's own rate limits as the defaults of serve", () => {
    expect({ rateLimit: serveCommand.flags['rate-limit'].fallback, rateBurst: serveCommand.flags['rate-burst'].fallback }).toEqual(RECS_RATE_DEFAULTS);
  });

  it('read the start flags', () => {
    expect(parseCommandLine(startCommand, ['--full', '--seed', '3', '--threads', '1', '--out', 'runs/x'])).toMatchObject({ values: { full: true, seed: 3, threads: 1, out: 'runs/x', quiet: false } });
  });
});

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const fail = (script: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  promisify(execFile)(tsx, [fileURLToPath(new URL(script, import.meta.url)), ...args], { env }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );

it('the recommend CLI prints the message and the usage, and exits with code 2 on a bad flag', async () => {
  const error = await fail('./recommend-cli.ts', ['--user', 'abc']);
  expect(error?.code).toBe(2);
  expect(error?.stderr.split('\n')[0]).toBe("Invalid value for `--user` in pnpm recommend. Expected a positive integer. Received: 'abc'.");
  expect(error?.stderr).toContain('\n\nUsage: pnpm recommend [flags]\n');
});

it('pnpm serve refuses to listen on 0.0.0.0 without a key: the reason, the usage, exit code 2', async () => {
  const error = await fail('./serve.ts', ['--host', '0.0.0.0'], { ...process.env, LOOM_API_KEY: '' });
  expect(error?.code).toBe(2);
  expect(error?.stderr.split('\n')[0]).toBe(
    'Refusing to listen on 0.0.0.0 without an API key: anyone who can reach it could use the service. Set LOOM_API_KEY (or pass --api-key) to a secret of at least 16 characters, or listen on 127.0.0.1.',
  );
});
