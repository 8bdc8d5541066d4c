import {
  choice,
  decimal,
  defineCommand,
  epochsFlag,
  integer,
  outFlag,
  quietFlag,
  seedFlag,
  threadsFlag,
  toggle,
  UsageError,
  type Parsed,
} from './command-line.js';

export type ModelKind = 'lstm' | 'transformer';

export interface TrainOptions {
  model: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Training reviews used (balanced prefix of the 25,000). */
  limit: number;
  /** Test reviews evaluated (balanced prefix of the 25,000). */
  testLimit: number;
  /** Words per review after padding/truncating (both at the front). */
  maxLength: number;
  /** Vocabulary size, reserved ids 0 and 1 included. */
  maxWords: number;
  threads: number | 'auto';
  seed: number;
  /** Directory for the saved model, tokenizer and history. */
  outDir: string;
}

export interface ScoreOptions {
  texts: string[];
  model: ModelKind;
  outDir: string;
  /** Show each word's contribution to the score. */
  explain: boolean;
}

const models = ['lstm', 'transformer'] as const;

/** What `pnpm full` (`--full`) changes: both models, longer, on every review. */
const FULL = {
  runs: [
    { model: 'lstm', epochs: 3 },
    { model: 'transformer', epochs: 2 },
  ] as const,
  'batch-size': 128,
  'max-length': 200,
  limit: 25_000,
  'test-limit': 25_000,
};

/** `pnpm start` (and `pnpm full`, which is `pnpm start --full`). */
export const trainCommand = defineCommand({
  name: 'pnpm start',
  summary: 'Trains a sentiment model on IMDB reviews on the WASM backend, prints test accuracy, and saves the model and its tokenizer.',
  flags: {
    model: choice(models, { description: 'the model to train', default: 'lstm' }),
    epochs: epochsFlag(1),
    'batch-size': integer({ description: 'reviews per training step', default: 64, min: 1, max: 25_000, defaultText: '64; 128 with --full' }),
    'learning-rate': decimal({ description: 'Adam learning rate', default: 0.002, min: 1e-9, max: 10 }),
    limit: integer({ description: 'training reviews (a balanced prefix of the 25,000)', default: 2000, min: 2, max: 25_000, defaultText: '2000; 25000 with --full' }),
    'test-limit': integer({ description: 'test reviews evaluated (a balanced prefix of the 25,000)', default: 1000, min: 2, max: 25_000, defaultText: '1000; 25000 with --full' }),
    'max-length': integer({ description: 'words per review, padded or cut at the front', default: 100, min: 1, max: 2000, defaultText: '100; 200 with --full' }),
    'max-words': integer({ description: 'vocabulary size, the reserved ids 0 and 1 included', default: 10_000, min: 3, max: 1_000_000 }),
    full: toggle({ description: 'what pnpm full runs: the LSTM for 3 epochs, then the Transformer for 2, on all reviews' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'folder for the model, its tokenizer and the history'),
    quiet: quietFlag(),
  },
  examples: ['pnpm start --model transformer --epochs 2', 'pnpm start --limit 25000 --test-limit 25000 --max-length 200'],
});

/**
 * The training runs a command line asks for: one, or with `--full` the LSTM then the Transformer
 * on every review (flags given beside `--full` still apply, but not `--model` and `--epochs`).
 *
 * @example
 * trainRuns(parsed); // [{ model: 'lstm', epochs: 1, limit: 2000, ... }]
 */
export function trainRuns({ values, given }: Parsed<typeof trainCommand.flags>): TrainOptions[] {
  const pick = <K extends keyof typeof FULL & keyof typeof values>(flag: K) => (values.full && !given.has(flag) ? FULL[flag] : values[flag]) as number;
  if (values.full) {
    for (const flag of ['model', 'epochs'] as const) {
      if (given.has(flag)) throw new UsageError(`\`--${flag}\` cannot be combined with \`--full\` in ${trainCommand.name}: --full trains the LSTM for 3 epochs, then the Transformer for 2.`);
    }
  }
  const runs = values.full ? FULL.runs : [{ model: values.model, epochs: values.epochs }];
  return runs.map(({ model, epochs }) => ({
    model,
    epochs,
    batchSize: pick('batch-size'),
    learningRate: values['learning-rate'],
    limit: pick('limit'),
    testLimit: pick('test-limit'),
    maxLength: pick('max-length'),
    maxWords: values['max-words'],
    threads: values.threads,
    seed: values.seed,
    outDir: values.out,
  }));
}

/** `pnpm score "review" ...`. */
export const scoreCommand = defineCommand({
  name: 'pnpm score',
  summary: 'Prints the probability that each review is positive, with the model and tokenizer pnpm start saved.',
  flags: {
    model: choice(models, { description: 'which trained model to use', default: 'lstm' }),
    out: outFlag('runs', 'the folder pnpm start --out wrote to'),
    explain: toggle({ description: "each word's contribution to the score (integrated gradients through the embedding): coloured on a terminal, signed numbers otherwise" }),
  },
  positionals: { placeholder: '"REVIEW" ...', description: 'one or more reviews, each in quotes', min: 1 },
  examples: ['pnpm score "what a wonderful film"', 'pnpm score --model transformer "dull" "loved it"', 'pnpm score --explain "a dull start, then a wonderful film"'],
});

/**
 * The reviews and model a `score` command line asks for.
 *
 * @example
 * scoreOptions(parsed); // { texts: ['what a wonderful film'], model: 'lstm', outDir: 'runs', explain: false }
 */
export function scoreOptions({ values, positionals }: Parsed<typeof scoreCommand.flags>): ScoreOptions {
  const texts = positionals.filter((review) => review.trim().length > 0);
  if (texts.length === 0) throw new UsageError(`Missing "REVIEW" for ${scoreCommand.name}: every review given is blank.`);
  return { texts, model: values.model, outDir: values.out, explain: values.explain };
}
