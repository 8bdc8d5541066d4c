// The commands of this app and their flags (the convention of src/command-line.ts). Kept apart
// from the scripts, and light (no model code), so that `--help` and a bad flag answer at once,
// and so that the tests and the README tables use the same definitions.
import { decimal, defineCommand, integer, outFlag, portFlag, quietFlag, seedFlag, text, threadsFlag, toggle, type Flag } from './command-line.js';
import { serviceFlags } from './service-flags.js';

/** What the server uses when not told (server.ts's FRAUD_RATE_DEFAULTS; a test keeps them equal). */
const RATE_DEFAULTS = { rateLimit: 500, rateBurst: 2000 };

const modelFlag = text({ description: 'folder pnpm start saved the model in', placeholder: 'DIR', default: 'runs/latest', expected: 'a folder' });

/** `pnpm start` (and `pnpm full`, which is `pnpm start --full`). */
export const startCommand = defineCommand({
  name: 'pnpm start',
  summary: 'Trains a credit-risk model on the shipped lending-club loans, picks the review threshold, prints the test results, saves the model and serves it.',
  flags: {
    out: outFlag('runs/latest', 'folder the model is saved in'),
    seed: seedFlag(),
    'false-positive-cost': decimal({ description: 'cost of reviewing a good loan, for the threshold', default: 1, min: 0 }),
    'false-negative-cost': decimal({ description: 'cost of missing a bad loan, for the threshold', default: 10, min: 0 }),
    'target-precision': decimal({ description: 'pick the lowest threshold reaching this validation precision instead of the costs', min: 0, max: 1, defaultText: 'none (use the costs)' }),
    full: toggle({ description: 'what pnpm full runs: 60 training epochs instead of 30' }),
    'no-serve': toggle({ description: 'stop after saving the model' }),
    threads: threadsFlag(),
    quiet: quietFlag(),
    port: portFlag(),
    ...serviceFlags(RATE_DEFAULTS),
  },
  examples: ['pnpm start --no-serve --target-precision 0.3', 'LOOM_API_KEY=a-long-random-secret pnpm start --host 0.0.0.0'],
  notes: ['The flags from --port on are the service settings, the same as pnpm serve; they are checked before training.'],
});

/** `pnpm serve`. */
export const serveCommand = defineCommand({
  name: 'pnpm serve',
  summary: 'Serves a model saved by pnpm start, or one trained by XGBoost: POST /score, GET /health, GET /metrics and the dashboard.',
  flags: {
    model: text({ description: 'folder pnpm start saved the model in, or an XGBoost JSON model file (with --encoder)', placeholder: 'DIR|FILE', default: 'runs/latest', expected: 'a folder or a file' }),
    encoder: text({ description: "the encoder.json whose columns the XGBoost model was trained on (pnpm start writes one beside model.json)", placeholder: 'FILE', defaultText: 'none: --model is a folder', expected: 'a file' }),
    threshold: decimal({ description: 'review threshold of an XGBoost model (a folder keeps the one pnpm start chose)', placeholder: 'X', min: 0, max: 1, defaultText: '0.5' }),
    port: portFlag(),
    ...serviceFlags(RATE_DEFAULTS),
  },
  examples: ['pnpm serve --port 8080', 'pnpm serve --model xgboost.json --encoder runs/latest/encoder.json --threshold 0.3', 'LOOM_API_KEY=a-long-random-secret pnpm serve --host 0.0.0.0 --allowed-hosts scores.internal.example'],
});

/** A loopback `http://` URL, for a load test that must not be pointed at someone else's server. */
const loopbackUrl: Flag<string | undefined> = {
  ...text({ description: 'test a server already running here instead of starting one', placeholder: 'URL', defaultText: 'start serve.ts on a free port', expected: 'a loopback address such as http://127.0.0.1:3000' }),
  parse: (value) => (/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(value) ? value : undefined),
};

/** `pnpm loadtest`. */
export const loadtestCommand = defineCommand({
  name: 'pnpm loadtest',
  summary: 'Fires POST /score requests from parallel loops on loopback and prints requests/s, transactions/s and latency percentiles.',
  flags: {
    concurrency: integer({ description: 'parallel request loops', default: 16, min: 1, max: 1024 }),
    duration: decimal({ description: 'seconds to run', placeholder: 'S', default: 5, min: 0.5, max: 120 }),
    batch: integer({ description: 'loans per request (1: a single transaction)', default: 1, min: 1, max: 1000 }),
    model: modelFlag,
    url: loopbackUrl,
  },
  examples: ['pnpm loadtest --concurrency 16 --batch 100'],
  notes: ['Without --url it starts serve.ts with --rate-limit 0 (it measures capacity, which the rate limit would hide).'],
});

/** `pnpm abuse`. */
export const abuseCommand = defineCommand({
  name: 'pnpm abuse',
  summary: 'A bounded load and abuse run on loopback (normal load, slowloris, oversized batches) against the default limits.',
  flags: {
    model: modelFlag,
    duration: decimal({ description: 'seconds per phase (the slowloris phases run at least 12)', placeholder: 'S', default: 5, min: 1, max: 30 }),
  },
  examples: ['pnpm abuse --duration 10'],
});
