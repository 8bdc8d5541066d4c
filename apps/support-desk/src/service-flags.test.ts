// The same file, word for word, in apps/fraud-service and apps/movie-recs (as service-flags.ts is).
import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommandLine, portFlag, UsageError } from './command-line.js';
import { serviceFlags, serviceOptions } from './service-flags.js';

const command = defineCommand({ name: 'pnpm serve', summary: 'Serves.', flags: { port: portFlag(), ...serviceFlags({ rateLimit: 10, rateBurst: 30 }) }, examples: ['pnpm serve'] });
const key = 'a-long-random-secret';

function options(argv: string[], env: Record<string, string | undefined> = {}) {
  const parsed = parseCommandLine(command, argv);
  if (parsed === 'help') throw new Error('unexpected help');
  return serviceOptions(command, parsed.values, env);
}

describe('serviceOptions', () => {
  it('listens on loopback with no key, the loopback Host names and the default limits', () => {
    expect(options([])).toEqual({
      host: '127.0.0.1',
      options: { apiKey: undefined, allowedHosts: ['localhost', '127.0.0.1', '[::1]'], rateLimit: 10, rateBurst: 30, maxConnections: 256, maxConnectionsPerClient: 32 },
    });
  });

  it('reads the key from LOOM_API_KEY or --api-key, the allowed hosts and the limits', () => {
    expect(options(['--host', '10.0.0.5', '--rate-limit', '200', '--rate-burst', '3000', '--max-connections', '64', '--max-connections-per-client', '4'], { LOOM_API_KEY: key })).toEqual({
      host: '10.0.0.5',
      options: { apiKey: key, allowedHosts: ['localhost', '127.0.0.1', '[::1]', '10.0.0.5'], rateLimit: 200, rateBurst: 3000, maxConnections: 64, maxConnectionsPerClient: 4 },
    });
    expect(options(['--host', '0.0.0.0', '--api-key', key, '--allowed-hosts', 'scores.example,  other.example']).options.allowedHosts).toEqual(['scores.example', 'other.example']);
    expect(options(['--api-key', key], { LOOM_API_KEY: 'another-long-secret' }).options.apiKey).toBe(key);
  });

  it('refuses a non-loopback address without a key, a short key and bad values, naming the flag', () => {
    const refused = (argv: string[], env: Record<string, string | undefined> = {}) => {
      try {
        options(argv, env);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused(['--host', '0.0.0.0'])).toMatch(/^Refusing to listen on 0\.0\.0\.0 without an API key: .* Set LOOM_API_KEY \(or pass --api-key\)/);
    expect(refused(['--host', '::'], { LOOM_API_KEY: '' })).toMatch(/^Refusing to listen on :: without an API key: /);
    expect(refused(['--api-key', 'short'])).toBe("Invalid value for `--api-key` in pnpm serve. Expected a secret of at least 16 characters. Received: '5 characters'.");
    expect(refused([], { LOOM_API_KEY: 'short' })).toBe('Invalid value for `LOOM_API_KEY` in pnpm serve. Expected a secret of at least 16 characters. Received: 5 characters.');
    expect(refused(['--allowed-hosts', ' , '])).toBe("Invalid value for `--allowed-hosts` in pnpm serve. Expected a comma-separated list of host names. Received: ' , '.");
    expect(() => options(['--rate-burst', '1.5'])).toThrow("Invalid value for `--rate-burst` in pnpm serve. Expected a positive integer. Received: '1.5'.");
    expect(() => options(['--rate-limit=-1'])).toThrow("Invalid value for `--rate-limit` in pnpm serve. Expected a number >= 0. Received: '-1'.");
    expect(() => options(['--host', ' '])).toThrow("Invalid value for `--host` in pnpm serve. Expected an address to listen on, such as 127.0.0.1. Received: ' '.");
  });

  it('never shows the key in a message', () => {
    const secret = 'short-secret';
    expect(() => options(['--api-key', secret])).toThrow(/12 characters/);
    expect(() => options(['--api-key', secret])).not.toThrow(new RegExp(secret));
  });
});
