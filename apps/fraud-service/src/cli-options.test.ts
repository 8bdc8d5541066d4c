import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { flagError, numberFlag, SERVICE_FLAGS, serviceOptions } from './cli-options.js';
import { AppError } from './errors.js';

const key = 'a-long-random-secret';

describe('serviceOptions', () => {
  it('listens on loopback with no key and the loopback Host names by default', () => {
    expect(serviceOptions({}, {})).toEqual({
      host: '127.0.0.1',
      options: { apiKey: undefined, allowedHosts: ['localhost', '127.0.0.1', '[::1]'], rateLimit: undefined, rateBurst: undefined, maxConnections: undefined, maxConnectionsPerClient: undefined },
    });
  });

  it('reads the key from LOOM_API_KEY or --api-key, the allowed hosts and the limits', () => {
    const { values } = parseArgs({ args: ['--host', '10.0.0.5', '--rate-limit', '200', '--rate-burst', '3000', '--max-connections', '64', '--max-connections-per-client', '4'], options: SERVICE_FLAGS });
    expect(serviceOptions(values, { LOOM_API_KEY: key })).toEqual({
      host: '10.0.0.5',
      options: { apiKey: key, allowedHosts: ['localhost', '127.0.0.1', '[::1]', '10.0.0.5'], rateLimit: 200, rateBurst: 3000, maxConnections: 64, maxConnectionsPerClient: 4 },
    });
    expect(serviceOptions({ host: '0.0.0.0', 'api-key': key, 'allowed-hosts': 'scores.example,  other.example' }, {}).options.allowedHosts).toEqual(['scores.example', 'other.example']);
  });

  it('refuses a non-loopback address without a key, a short key and bad values, naming the flag', () => {
    expect(() => serviceOptions({ host: '0.0.0.0' }, {})).toThrow(/^Refusing to listen on 0\.0\.0\.0 without an API key: /);
    expect(() => serviceOptions({ host: '::' }, { LOOM_API_KEY: '' })).toThrow(/^Refusing to listen on :: without an API key: /);
    expect(() => serviceOptions({}, { LOOM_API_KEY: 'short' })).toThrow("Invalid value for `LOOM_API_KEY` in the command line. Expected a secret of at least 16 characters. Received: '5 characters'.");
    expect(() => serviceOptions({ 'rate-burst': '1.5' }, {})).toThrow("Invalid value for `--rate-burst` in the command line. Expected an integer >= 1. Received: '1.5'.");
    expect(() => numberFlag('port', '3e3', { integer: true, min: 0, max: 65535 })).not.toThrow();
  });

  it("turns parseArgs' own errors into an AppError and leaves others alone", () => {
    let caught: unknown;
    try {
      parseArgs({ args: ['--hots', 'x'], options: SERVICE_FLAGS });
    } catch (error) {
      caught = flagError(error);
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).message).toMatch(/^Unknown option '--hots'\.?$/);
    const other = new RangeError('x');
    expect(flagError(other)).toBe(other);
  });
});

it('pnpm serve refuses to listen on 0.0.0.0 without a key: one line on stderr, exit code 2', async () => {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const error = await promisify(execFile)(tsx, [serve, '--host', '0.0.0.0'], { env: { ...process.env, LOOM_API_KEY: '' } }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(error?.code).toBe(2);
  expect(error?.stderr.trim()).toBe(
    'Refusing to listen on 0.0.0.0 without an API key: anyone who can reach it could use the service. Set LOOM_API_KEY (or pass --api-key) to a secret of at least 16 characters, or listen on 127.0.0.1.',
  );
});
