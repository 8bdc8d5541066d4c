// `pnpm serve`: the web page and JSON API over the model `pnpm start` saved (`--help` lists the
// flags: the port, the model folder and the service settings). LOOM_API_KEY sets the key without
// showing it in `ps`.
import { serveCommand } from './cli-args.js';
import { readCommandLine } from './command-line.js';
import { describeGuard, urlHost } from './http-guard.js';
import { serviceOptions } from './service-flags.js';

const { values } = await readCommandLine(serveCommand);
const service = serviceOptions(serveCommand, values);
// Loaded once the flags are read, so that --help and a bad flag answer at once.
const { loadBundle } = await import('./model-bundle.js');
const { createRecommendServer } = await import('./server.js');

const bundle = await loadBundle(values.model);
const server = createRecommendServer(bundle, service.options);
server.on('error', (error) => {
  console.error(`Cannot listen on ${service.host}:${values.port}: ${error.message}`);
  process.exit(1);
});
server.listen(values.port, service.host, () => {
  const { port } = server.address() as { port: number };
  console.log(`Movie recommendations on http://${urlHost(service.host)}:${port}/ (model: ${values.model}, ${bundle.items.size} movies). Ctrl+C stops.`);
  console.log(describeGuard(server.guard.options, 'GET /api/movies, POST /api/recommend'));
});
