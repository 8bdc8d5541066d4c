import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseRecommendArgs } from './cli-args.js';

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
