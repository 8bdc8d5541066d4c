// The commands of this app and their flags (the convention of src/command-line.ts). Light on
// purpose (no model code), so that `--help` and a bad flag answer at once, and so that the tests
// and the README tables use the same definitions.
import { decimal, defineCommand, epochsFlag, integer, outFlag, portFlag, quietFlag, seedFlag, text, threadsFlag, toggle, type Parsed } from './command-line.js';
import { serviceFlags } from './service-flags.js';

/** What the server uses when not told (server.ts's SUPPORT_RATE_DEFAULTS; a test keeps them equal). */
export const RATE_DEFAULTS = { rateLimit: 20, rateBurst: 40 };

/** What `--full` changes (flags given beside it still win). */
export const FULL = { epochs: 5, 'few-shot': true, 'cnn-epochs': 10 };

const cnnEpochsFlag = (fallback: number, defaultText: string) =>
  integer({ description: 'passes of the word CNN blended with the bag (0: the bag alone; README "Word CNN blend")', default: fallback, min: 0, max: 10_000, defaultText });

const trainingFlags = {
  dim: integer({ description: 'width of the feature embeddings of each member', default: 256, min: 4, max: 1024 }),
  members: integer({ description: 'models trained with different seeds, their logits averaged (README: Ensemble)', default: 1, min: 1, max: 8 }),
  'batch-size': integer({ description: 'queries per training step', default: 128, min: 1, max: 10_000 }),
  'learning-rate': decimal({ description: 'peak Adam learning rate (cosine decay to 1%)', default: 0.02, min: 1e-9, max: 10 }),
  'validation-share': decimal({ description: 'share of the training queries held out for the temperature and the threshold', default: 0.1, min: 0.01, max: 0.5 }),
  'target-accuracy': decimal({ description: 'accuracy of the answered queries the threshold is chosen for', default: 0.97, min: 0.5, max: 1 }),
  limit: integer({ description: 'training queries used (a stratified sample of the 10,003)', min: 77, max: 10_003, defaultText: 'all' }),
  threads: threadsFlag(),
  seed: seedFlag(),
  quiet: quietFlag(),
};

/** `pnpm start` (and `pnpm full`, which is `pnpm start --full`). */
export const startCommand = defineCommand({
  name: 'pnpm start',
  summary:
    'Trains the Loom intent classifier and the TF-IDF baseline on BANKING77, calibrates the confidence, picks the hand-off threshold, prints the test results and a few replies, and saves the model.',
  flags: {
    epochs: epochsFlag(3, `3; ${FULL.epochs} with --full`),
    'cnn-epochs': cnnEpochsFlag(0, `0 (the bag alone, a quick demo); ${FULL['cnn-epochs']} with --full`),
    ...trainingFlags,
    'few-shot': toggle({ description: 'also train both models on 10 queries per intent and report them (on with --full)' }),
    feedback: text({ description: 'a feedback log (JSON lines from POST /feedback) added to the training queries', placeholder: 'FILE', defaultText: 'none', expected: 'a file' }),
    full: toggle({ description: `what pnpm full runs: ${FULL.epochs} epochs, the word CNN blend (${FULL['cnn-epochs']} epochs) and the 10-per-intent setting` }),
    out: outFlag('runs/latest', 'folder for the model, the report and the coverage curve'),
  },
  examples: ['pnpm start --epochs 8', 'pnpm start --limit 2000 --out /tmp/support'],
});

/** `pnpm retrain`: the same training with the feedback log folded in. */
export const retrainCommand = defineCommand({
  name: 'pnpm retrain',
  summary: 'Trains again on BANKING77 plus the corrected queries of the feedback log, and saves the new model (the server picks it up when restarted).',
  flags: {
    epochs: epochsFlag(3),
    'cnn-epochs': cnnEpochsFlag(FULL['cnn-epochs'], `${FULL['cnn-epochs']} (the blend pnpm full ships)`),
    ...trainingFlags,
    feedback: text({ description: 'the feedback log POST /feedback appends to', placeholder: 'FILE', default: 'runs/feedback.jsonl', expected: 'a file' }),
    out: outFlag('runs/latest', 'folder for the retrained model'),
  },
  examples: ['pnpm retrain', 'pnpm retrain --feedback runs/feedback.jsonl --out runs/retrained'],
});

/** `pnpm serve`. */
export const serveCommand = defineCommand({
  name: 'pnpm serve',
  summary: 'Serves a model saved by pnpm start: POST /reply, POST /feedback, GET /health, GET /metrics and the chat page.',
  flags: {
    model: text({ description: 'folder pnpm start saved the model in', placeholder: 'DIR', default: 'runs/latest', expected: 'a folder' }),
    feedback: text({ description: 'JSON-lines log POST /feedback appends to', placeholder: 'FILE', default: 'runs/feedback.jsonl', expected: 'a file' }),
    port: portFlag(),
    ...serviceFlags(RATE_DEFAULTS),
  },
  examples: ['pnpm serve --port 8080', 'LOOM_API_KEY=a-long-random-secret pnpm serve --host 0.0.0.0 --allowed-hosts support.internal.example'],
  notes: ['The chat page is web/dist (pnpm build:web); without it GET / says how to build it.'],
});

export interface RunOptions {
  epochs: number;
  /** Epochs of the word CNN (0: no CNN). */
  cnnEpochs: number;
  dim: number;
  members: number;
  batchSize: number;
  learningRate: number;
  validationShare: number;
  targetAccuracy: number;
  limit: number | undefined;
  fewShot: boolean;
  feedback: string | undefined;
  seed: number;
  out: string;
  quiet: boolean;
}

/**
 * The run a start or retrain command line asks for.
 *
 * @example
 * runOptions(parsed); // { epochs: 5, dim: 128, ... }
 */
export function runOptions({ values, given }: Parsed<typeof startCommand.flags> | Parsed<typeof retrainCommand.flags>): RunOptions {
  const full = 'full' in values && values.full;
  return {
    epochs: full && !given.has('epochs') ? FULL.epochs : values.epochs,
    cnnEpochs: full && !given.has('cnn-epochs') ? FULL['cnn-epochs'] : values['cnn-epochs'],
    dim: values.dim,
    members: values.members,
    batchSize: values['batch-size'],
    learningRate: values['learning-rate'],
    validationShare: values['validation-share'],
    targetAccuracy: values['target-accuracy'],
    limit: values.limit,
    fewShot: 'few-shot' in values ? values['few-shot'] || full : false,
    feedback: values.feedback,
    seed: values.seed,
    out: values.out,
    quiet: values.quiet,
  };
}
