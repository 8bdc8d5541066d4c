// `pnpm serve`: serves a bundle saved by `pnpm start`, or a model trained by XGBoost with the
// encoder.json it was trained on (`--help` lists the flags: the port, the model, the service
// settings). LOOM_API_KEY sets the key without showing it in `ps`.
import { serveCommand } from './cli-options.js';
import { invalidFlag, readCommandLine, UsageError } from './command-line.js';
import { describeGuard, urlHost } from './http-guard.js';
import { serviceOptions } from './service-flags.js';

const { values } = await readCommandLine(serveCommand);
const service = serviceOptions(serveCommand, values);
if (values.encoder === undefined && values.threshold !== undefined) {
  throw new UsageError('`--threshold` is for an XGBoost model (--model FILE --encoder FILE); a folder keeps the threshold pnpm start chose.');
}
if (values.encoder === undefined && /\.json$/i.test(values.model)) {
  throw new UsageError(invalidFlag(serveCommand, 'model', 'a folder, or an XGBoost model file together with --encoder FILE (the encoder.json it was trained on)', values.model));
}
// Loaded once the flags are read, so that --help and a bad flag answer at once.
const { loadBundle, loadImportedModel } = await import('./model-bundle.js');
const { createFraudServer } = await import('./server.js');

const model =
  values.encoder === undefined ? await loadBundle(values.model) : await loadImportedModel(values.model, values.encoder, values.threshold === undefined ? {} : { threshold: values.threshold });
const { server, guard, scorer } = createFraudServer(model, service.options);
server.on('error', (error) => {
  console.error(`Cannot listen on ${service.host}:${values.port}: ${error.message}`);
  process.exit(1);
});
server.listen(values.port, service.host, () => {
  // The load test reads this line to find the port when it starts the server with --port 0.
  console.log(`listening on http://${urlHost(service.host)}:${(server.address() as { port: number }).port}/ (model: ${values.model}, ${scorer.description})`);
  console.log(describeGuard(guard.options, 'POST /score, GET /metrics, GET /api/summary'));
});
