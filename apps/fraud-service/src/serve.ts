// `pnpm serve [--port 3000] [--model runs/latest] [--host 127.0.0.1] [--api-key <key>] [--allowed-hosts a,b]
//   [--rate-limit 500] [--rate-burst 2000] [--max-connections 256] [--max-connections-per-client 32]`:
// serves a bundle saved by `pnpm start`. LOOM_API_KEY sets the key without showing it in `ps`.
import { parseArgs } from 'node:util';
import { flagError, numberFlag, SERVICE_FLAGS, serviceOptions } from './cli-options.js';
import { AppError } from './errors.js';
import { describeGuard, urlHost } from './http-guard.js';
import { loadBundle } from './model-bundle.js';
import { createFraudServer } from './server.js';

try {
  const { values: args } = parseArgs({ options: { port: { type: 'string', default: '3000' }, model: { type: 'string', default: 'runs/latest' }, ...SERVICE_FLAGS } });
  const port = numberFlag('port', args.port, { integer: true, min: 0, max: 65535 })!;
  const service = serviceOptions(args);
  const { server, guard } = createFraudServer(await loadBundle(args.model), service.options);
  server.on('error', (error) => {
    console.error(`Cannot listen on ${service.host}:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, service.host, () => {
    // The load test reads this line to find the port when it starts the server with --port 0.
    console.log(`listening on http://${urlHost(service.host)}:${(server.address() as { port: number }).port}/ (model: ${args.model})`);
    console.log(describeGuard(guard.options, 'POST /score, GET /metrics, GET /api/summary'));
  });
} catch (caught) {
  const error = flagError(caught);
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exit(2);
}
