// The flags of an HTTP service: where it listens, who may use it, and its limits. The same in
// every Loom service app (apps/fraud-service and apps/movie-recs keep this file word for word;
// change both together). They follow the command-line convention of src/command-line.ts.
import { decimal, integer, invalidFlag, text, UsageError, type Command, type FlagValues } from './command-line.js';
import { checkBinding, defaultAllowedHosts, GUARD_DEFAULTS, MIN_API_KEY_LENGTH, type GuardOptions } from './http-guard.js';

/**
 * The service flags, with the app's own rate defaults (what its server uses when not told).
 *
 * @example
 * const flags = { port: portFlag(), ...serviceFlags({ rateLimit: 10, rateBurst: 30 }) };
 */
export function serviceFlags(rateDefaults: { rateLimit: number; rateBurst: number }) {
  return {
    host: text({ description: 'address to listen on; any but loopback needs an API key', placeholder: 'ADDRESS', default: '127.0.0.1', expected: 'an address to listen on, such as 127.0.0.1' }),
    'api-key': text({
      description: `key clients send as Authorization: Bearer KEY, ${MIN_API_KEY_LENGTH}+ characters (LOOM_API_KEY keeps it out of the process list)`,
      placeholder: 'KEY',
      defaultText: 'LOOM_API_KEY, else none',
      expected: `a secret of at least ${MIN_API_KEY_LENGTH} characters`,
    }),
    'allowed-hosts': text({
      description: 'Host header names accepted, comma-separated',
      placeholder: 'A,B',
      defaultText: 'localhost,127.0.0.1,[::1] and --host',
      expected: 'a comma-separated list of host names',
    }),
    'rate-limit': decimal({ description: 'requests per second per client, on average; 0 turns the limit off', placeholder: 'R', default: rateDefaults.rateLimit, min: 0 }),
    'rate-burst': integer({ description: 'requests a client may send at once before the rate applies', default: rateDefaults.rateBurst, min: 1 }),
    'max-connections': integer({ description: 'open connections in all', default: GUARD_DEFAULTS.maxConnections, min: 1 }),
    'max-connections-per-client': integer({ description: 'open connections per client address', default: GUARD_DEFAULTS.maxConnectionsPerClient, min: 1 }),
  };
}

/** The values of {@link serviceFlags} after parsing. */
export type ServiceFlagValues = FlagValues<ReturnType<typeof serviceFlags>>;

/**
 * The address to listen on and the server's access options from the service flags. The API key
 * comes from `--api-key` or else the LOOM_API_KEY environment variable (which, unlike a flag,
 * other users of the machine cannot read in the process list); binding anywhere but loopback
 * without one is refused ({@link checkBinding}). Problems are {@link UsageError}s naming the flag.
 *
 * @example
 * serviceOptions(serveCommand, values, { LOOM_API_KEY: 'a-long-random-secret' }).options.apiKey; // 'a-long-random-secret'
 */
export function serviceOptions(command: Pick<Command, 'name'>, values: ServiceFlagValues, env: Record<string, string | undefined> = process.env): { host: string; options: GuardOptions } {
  const host = values.host.trim();
  const fromEnv = env.LOOM_API_KEY === '' ? undefined : env.LOOM_API_KEY;
  const apiKey = values['api-key'] ?? fromEnv;
  if (apiKey !== undefined && apiKey.length < MIN_API_KEY_LENGTH) {
    const expected = `a secret of at least ${MIN_API_KEY_LENGTH} characters`;
    throw new UsageError(
      values['api-key'] === undefined
        ? `Invalid value for \`LOOM_API_KEY\` in ${command.name}. Expected ${expected}. Received: ${apiKey.length} characters.`
        : invalidFlag(command, 'api-key', expected, `${apiKey.length} characters`),
    );
  }
  try {
    checkBinding(host, apiKey);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const listed = values['allowed-hosts']?.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (listed !== undefined && listed.length === 0) throw new UsageError(invalidFlag(command, 'allowed-hosts', 'a comma-separated list of host names', values['allowed-hosts']!));
  return {
    host,
    options: {
      apiKey,
      allowedHosts: listed ?? defaultAllowedHosts(host),
      rateLimit: values['rate-limit'],
      rateBurst: values['rate-burst'],
      maxConnections: values['max-connections'],
      maxConnectionsPerClient: values['max-connections-per-client'],
    },
  };
}
