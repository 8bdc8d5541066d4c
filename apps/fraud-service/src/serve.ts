// `pnpm serve [--port 3000] [--model runs/latest]`: serves a bundle saved by `pnpm start`.
import { parseArgs } from 'node:util';
import { numberFlag } from './cli-options.js';
import { AppError } from './errors.js';
import { loadBundle } from './model-bundle.js';
import { createFraudServer } from './server.js';

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '3000' }, model: { type: 'string', default: 'runs/latest' } } });
try {
  const port = numberFlag('port', args.port, { integer: true, min: 0, max: 65535 })!;
  const { server } = createFraudServer(await loadBundle(args.model));
  server.listen(port, '127.0.0.1', () => {
    // The load test reads this line to find the port when it starts the server with --port 0.
    console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}/ (model: ${args.model})`);
  });
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exit(2);
}
