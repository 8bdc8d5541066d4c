// `pnpm serve [--port 3000] [--model runs/latest]`: the web page and JSON API over the saved model.
import { parseArgs } from 'node:util';
import { loadBundle } from './model-bundle.js';
import { createRecommendServer } from './server.js';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '3000' }, model: { type: 'string', default: 'runs/latest' } },
});
const bundle = await loadBundle(args.model);
const server = createRecommendServer(bundle);
server.listen(Number(args.port), () => {
  console.log(`Movie recommendations on http://localhost:${args.port}/ (model: ${args.model}, ${bundle.items.size} movies). Ctrl+C stops.`);
});
