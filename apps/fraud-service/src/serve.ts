// `pnpm serve`: serves a bundle saved by `pnpm start` (`--help` lists the flags: the port, the
// model folder and the service settings). LOOM_API_KEY sets the key without showing it in `ps`.
import { serveCommand } from './cli-options.js';
import { readCommandLine } from './command-line.js';
import { describeGuard, urlHost } from './http-guard.js';
import { serviceOptions } from './service-flags.js';

const { values } = await readCommandLine(serveCommand);
const service = serviceOptions(serveCommand, values);
// Loaded once the flags are read, so that --help and a bad flag answer at once.
const { loadBundle } = await import('./model-bundle.js');
const { createFraudServer } = await import('./server.js');

const { server, guard } = createFraudServer(await loadBundle(values.model), service.options);
server.on('error', (error) => {
  console.error(`Cannot listen on ${service.host}:${values.port}: ${error.message}`);
  process.exit(1);
});
server.listen(values.port, service.host, () => {
  // The load test reads this line to find the port when it starts the server with --port 0.
  console.log(`listening on http://${urlHost(service.host)}:${(server.address() as { port: number }).port}/ (model: ${values.model})`);
  console.log(describeGuard(guard.options, 'POST /score, GET /metrics, GET /api/summary'));
});
