// `pnpm serve`: serves a bundle saved by `pnpm start` (`--help` lists the flags: the port, the
// model folder, the feedback log and the service settings). LOOM_API_KEY sets the key without
// showing it in `ps`.
import { fileURLToPath } from 'node:url';
import { readCommandLine } from './command-line.js';
import { describeGuard, urlHost } from './http-guard.js';
import { serveCommand } from './options.js';
import { serviceOptions } from './service-flags.js';

const { values } = await readCommandLine(serveCommand);
const service = serviceOptions(serveCommand, values);
// Loaded once the flags are read, so that --help and a bad flag answer at once.
const { initWasm } = await import('@loom-ml/wasm');
const { loadBundle } = await import('./bundle-files.js');
const { FeedbackLog } = await import('./feedback.js');
const { createSupportServer } = await import('./server.js');

// One thread: replies are small, and the server answers requests one at a time anyway.
await initWasm({ threads: 1, onNotice: () => {} });
const served = await loadBundle(values.model);
const webRoot = fileURLToPath(new URL('../web/dist', import.meta.url));
const { server, guard } = createSupportServer(served, new FeedbackLog(values.feedback), { ...service.options, webRoot });
server.on('error', (error) => {
  console.error(`Cannot listen on ${service.host}:${values.port}: ${error.message}`);
  process.exit(1);
});
server.listen(values.port, service.host, () => {
  // Tests read this line to find the port when they start the server with --port 0.
  console.log(`listening on http://${urlHost(service.host)}:${(server.address() as { port: number }).port}/ (model: ${values.model}, feedback log: ${values.feedback})`);
  console.log(describeGuard(guard.options, 'POST /reply, POST /feedback, GET /metrics, GET /model/*'));
});
