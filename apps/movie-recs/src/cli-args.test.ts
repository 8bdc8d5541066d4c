import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseRecommendArgs, parseServeArgs } from './cli-args.js';

describe('parseRecommendArgs', () => {
  it('reads --user and repeated --like with defaults', () => {
    expect(parseRecommendArgs(['--user', '42'])).toEqual({ mode: 'user', user: 42, k: 10, model: 'runs/latest' });
    expect(parseRecommendArgs(['--like', 'Toy Story (1995)', '--like', 'Jumanji (1995)', '--k', '5', '--model', 'x'])).toEqual({
      mode: 'likes',
      likes: ['Toy Story (1995)', 'Jumanji (1995)'],
      k: 5,
      model: 'x',
    });
  });

  it('names the offending flag', () => {
    expect(() => parseRecommendArgs(['--user', 'abc'])).toThrow(
      "Invalid value for `--user` in recommend. Expected a positive integer user id. Received: 'abc'.",
    );
    expect(() => parseRecommendArgs(['--user', '0'])).toThrow("Invalid value for `--user` in recommend. Expected a positive integer user id. Received: '0'.");
    expect(() => parseRecommendArgs(['--user', '4', '--k', '0'])).toThrow("Invalid value for `--k` in recommend. Expected an integer from 1 to 100. Received: '0'.");
    expect(() => parseRecommendArgs(['--user', '4', '--like', 'Alien (1979)'])).toThrow(
      "Invalid value for `--user` in recommend. Expected either --user or --like, not both. Received: '--user 4 with 1 --like'.",
    );
    expect(() => parseRecommendArgs(['--like', '  '])).toThrow("Invalid value for `--like` in recommend. Expected a movie title such as \"Toy Story (1995)\". Received: '  '.");
  });

  it('explains what is missing or unknown, with the usage', () => {
    expect(() => parseRecommendArgs([])).toThrow(/^Nothing to recommend for: give --user <id> or --like "<title \(year\)>"\.\nUsage:/);
    expect(() => parseRecommendArgs(['--users', '4'])).toThrow(/Unknown option '--users'[\s\S]*Usage:/);
    expect(() => parseRecommendArgs(['42'])).toThrow(/Unexpected argument '42'[\s\S]*Usage:/);
  });
});

it('the recommend CLI prints the message and exits with code 2 on a bad flag', async () => {
  const cli = fileURLToPath(new URL('./recommend-cli.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const error = await promisify(execFile)(tsx, [cli, '--user', 'abc']).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(error?.code).toBe(2);
  expect(error?.stderr.trim()).toBe("Invalid value for `--user` in recommend. Expected a positive integer user id. Received: 'abc'.");
});

describe('parseServeArgs', () => {
  const key = 'a-long-random-secret';

  it('listens on loopback with no key and the loopback Host names by default', () => {
    expect(parseServeArgs([], {})).toEqual({
      port: 3000,
      model: 'runs/latest',
      host: '127.0.0.1',
      options: { apiKey: undefined, allowedHosts: ['localhost', '127.0.0.1', '[::1]'], rateLimit: undefined, rateBurst: undefined, maxConnections: undefined, maxConnectionsPerClient: undefined },
    });
  });

  it('reads the key from LOOM_API_KEY or --api-key, and the limits', () => {
    const parsed = parseServeArgs(['--host', '10.0.0.5', '--rate-limit', '5', '--rate-burst', '10', '--max-connections', '64', '--max-connections-per-client', '4'], { LOOM_API_KEY: key });
    expect(parsed.host).toBe('10.0.0.5');
    expect(parsed.options).toEqual({ apiKey: key, allowedHosts: ['localhost', '127.0.0.1', '[::1]', '10.0.0.5'], rateLimit: 5, rateBurst: 10, maxConnections: 64, maxConnectionsPerClient: 4 });
    expect(parseServeArgs(['--api-key', key, '--host', '::', '--allowed-hosts', 'recs.example, www.recs.example'], {}).options.allowedHosts).toEqual(['recs.example', 'www.recs.example']);
  });

  it('refuses a non-loopback address without a key, a short key and bad values, naming the flag', () => {
    expect(() => parseServeArgs(['--host', '0.0.0.0'], {})).toThrow(/^Refusing to listen on 0\.0\.0\.0 without an API key: .* Set LOOM_API_KEY \(or pass --api-key\)/);
    expect(() => parseServeArgs(['--api-key', 'short'], {})).toThrow("Invalid value for `--api-key` in the command line. Expected a secret of at least 16 characters. Received: '5 characters'.");
    expect(() => parseServeArgs([], { LOOM_API_KEY: 'short' })).toThrow("Invalid value for `LOOM_API_KEY` in the command line. Expected a secret of at least 16 characters. Received: '5 characters'.");
    expect(() => parseServeArgs(['--rate-limit=-1'], {})).toThrow("Invalid value for `--rate-limit` in the command line. Expected a number >= 0. Received: '-1'.");
    expect(() => parseServeArgs(['--port', '70000'], {})).toThrow("Invalid value for `--port` in the command line. Expected an integer >= 0 and <= 65535. Received: '70000'.");
    expect(() => parseServeArgs(['--allowed-hosts', ' , '], {})).toThrow("Invalid value for `--allowed-hosts` in the command line. Expected a comma-separated list of host names. Received: ' , '.");
    expect(() => parseServeArgs(['--hots', 'x'], {})).toThrow(/^Unknown option '--hots'[\s\S]*Usage: pnpm serve/);
  });
});

it('pnpm serve refuses to listen on 0.0.0.0 without a key: one line on stderr, exit code 2', async () => {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const env = { ...process.env, LOOM_API_KEY: '' };
  const error = await promisify(execFile)(tsx, [serve, '--host', '0.0.0.0'], { env }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(error?.code).toBe(2);
  expect(error?.stderr.trim()).toBe(
    'Refusing to listen on 0.0.0.0 without an API key: anyone who can reach it could use the service. Set LOOM_API_KEY (or pass --api-key) to a secret of at least 16 characters, or listen on 127.0.0.1.',
  );
});
