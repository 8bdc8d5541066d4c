import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { abuseCommand, loadtestCommand, serveCommand, startCommand } from './cli-options.js';
import { parseCommandLine } from './command-line.js';
import { FRAUD_RATE_DEFAULTS } from './server.js';

describe('the commands', () => {
  it("show the server's own rate limits as the defaults of start and serve", () => {
    for (const command of [startCommand, serveCommand]) {
      expect({ rateLimit: command.flags['rate-limit'].fallback, rateBurst: command.flags['rate-burst'].fallback }).toEqual(FRAUD_RATE_DEFAULTS);
    }
  });

  it('read the start flags', () => {
    const parsed = parseCommandLine(startCommand, ['--no-serve', '--target-precision', '0.3', '--false-negative-cost', '20', '--seed', '7', '--out', 'runs/x']);
    expect(parsed !== 'help' && parsed.values).toMatchObject({ 'no-serve': true, 'target-precision': 0.3, 'false-negative-cost': 20, 'false-positive-cost': 1, seed: 7, out: 'runs/x', full: false, port: 3000 });
  });

  it('keep the load test on loopback', () => {
    expect(parseCommandLine(loadtestCommand, ['--url', 'http://127.0.0.1:3000/'])).toMatchObject({ values: { url: 'http://127.0.0.1:3000/', concurrency: 16 } });
    expect(() => parseCommandLine(loadtestCommand, ['--url', 'http://10.0.0.1:3000'])).toThrow(
      "Invalid value for `--url` in pnpm loadtest. Expected a loopback address such as http://127.0.0.1:3000. Received: 'http://10.0.0.1:3000'.",
    );
    expect(() => parseCommandLine(abuseCommand, ['--duration', '60'])).toThrow("Invalid value for `--duration` in pnpm abuse. Expected a number from 1 to 30. Received: '60'.");
  });
});

it('pnpm serve refuses to listen on 0.0.0.0 without a key: the reason, the usage, exit code 2', async () => {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const error = await promisify(execFile)(tsx, [serve, '--host', '0.0.0.0'], { env: { ...process.env, LOOM_API_KEY: '' } }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(error?.code).toBe(2);
  expect(error?.stderr.split('\n')[0]).toBe(
    'Refusing to listen on 0.0.0.0 without an API key: anyone who can reach it could use the service. Set LOOM_API_KEY (or pass --api-key) to a secret of at least 16 characters, or listen on 127.0.0.1.',
  );
  expect(error?.stderr).toContain('\n\nUsage: pnpm serve [flags]\n');
});

it('pnpm serve: an XGBoost file without --encoder, or --threshold with a folder, is a usage error (exit code 2)', async () => {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const run = (args: string[]) =>
    promisify(execFile)(tsx, [serve, ...args]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
  const [noEncoder, threshold] = await Promise.all([run(['--model', 'xgboost.json']), run(['--threshold', '0.3'])]);
  expect([noEncoder?.code, noEncoder?.stderr.split('\n')[0]]).toEqual([
    2,
    "Invalid value for `--model` in pnpm serve. Expected a folder, or an XGBoost model file together with --encoder FILE (the encoder.json it was trained on). Received: 'xgboost.json'.",
  ]);
  expect([threshold?.code, threshold?.stderr.split('\n')[0]]).toEqual([2, '`--threshold` is for an XGBoost model (--model FILE --encoder FILE); a folder keeps the threshold pnpm start chose.']);
});
