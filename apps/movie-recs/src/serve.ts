// `pnpm serve [--port 3000] [--model runs/latest] [--host 127.0.0.1] [--api-key <key>] [--allowed-hosts a,b]
//   [--rate-limit 10] [--rate-burst 30] [--max-connections 256] [--max-connections-per-client 32]`:
// the web page and JSON API over the saved model. LOOM_API_KEY sets the key without showing it in `ps`.
import { parseServeArgs } from './cli-args.js';
import { AppError } from './errors.js';
import { describeGuard, urlHost } from './http-guard.js';
import { loadBundle } from './model-bundle.js';
import { createRecommendServer } from './server.js';

try {
  const request = parseServeArgs(process.argv.slice(2));
  const bundle = await loadBundle(request.model);
  const server = createRecommendServer(bundle, request.options);
  server.on('error', (error) => {
    console.error(`Cannot listen on ${request.host}:${request.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(request.port, request.host, () => {
    const { port } = server.address() as { port: number };
    console.log(`Movie recommendations on http://${urlHost(request.host)}:${port}/ (model: ${request.model}, ${bundle.items.size} movies). Ctrl+C stops.`);
    console.log(describeGuard(server.guard.options, 'GET /api/movies, POST /api/recommend'));
  });
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exit(2);
}
