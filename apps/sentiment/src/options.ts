import {
  choice,
  decimal,
  defineCommand,
  epochsFlag,
  integer,
  invalidFlag,
  outFlag,
  quietFlag,
  seedFlag,
  threadsFlag,
  toggle,
  UsageError,
  type Parsed,
} from './command-line.js';

export type ModelKind = 'lstm' | 'average' | 'bigrams' | 'transformer';

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
  /**
   * Training reviews held out from the end of the `limit` prefix (0: none). With some, the
   * tokenizer and the model learn from the others, every epoch is scored on the held-out ones,
   * and the test reviews are not read.
   */
  validation: number;
}

export interface ScoreOptions {
  texts: string[];
  model: ModelKind;
  outDir: string;
  /** Show each word's contribution to the score. */
  explain: boolean;
}

const models = ['lstm', 'average', 'bigrams', 'transformer'] as const;

/** Each model's settings in `pnpm full` (`--full`): epochs, words per review, vocabulary, Adam learning rate. */
export const FULL_SETTINGS: Readonly<Record<ModelKind, { epochs: number; 'max-length': number; 'max-words': number; 'learning-rate': number }>> = {
  lstm: { epochs: 3, 'max-length': 200, 'max-words': 10_000, 'learning-rate': 0.002 },
  average: { epochs: 4, 'max-length': 400, 'max-words': 20_000, 'learning-rate': 0.002 },
  bigrams: { epochs: 3, 'max-length': 400, 'max-words': 20_000, 'learning-rate': 0.005 },
  transformer: { epochs: 2, 'max-length': 200, 'max-words': 10_000, 'learning-rate': 0.002 },
};

/** What `pnpm full` (`--full`) trains without `--model`: the LSTM whose time the README records, then the model with the best validation accuracy. */
export const FULL_MODELS: readonly ModelKind[] = ['lstm', 'bigrams'];

/** What `--full` changes besides each model's settings: every review, larger batches. */
const FULL = {
  'batch-size': 128,
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
    'learning-rate': decimal({ description: 'Adam learning rate', default: 0.002, min: 1e-9, max: 10, defaultText: "0.002; with --full the model's" }),
    limit: integer({ description: 'training reviews (a balanced prefix of the 25,000)', default: 2000, min: 2, max: 25_000, defaultText: '2000; 25000 with --full' }),
    'test-limit': integer({ description: 'test reviews evaluated (a balanced prefix of the 25,000)', default: 1000, min: 2, max: 25_000, defaultText: '1000; 25000 with --full' }),
    'max-length': integer({ description: 'words per review, padded or cut at the front', default: 100, min: 1, max: 2000, defaultText: '100; with --full the model\'s (200 or 400)' }),
    'max-words': integer({ description: 'vocabulary size, the reserved ids 0 and 1 included', default: 10_000, min: 3, max: 1_000_000, defaultText: '10000; with --full the model\'s (10000 or 20000)' }),
    validation: integer({
      description: 'hold out the last N of the --limit training reviews: the model learns from the others, each epoch is scored on these, the test reviews are not read',
      default: 0,
      min: 0,
      max: 24_999,
    }),
    full: toggle({ description: 'what pnpm full runs: each model with its settings on all reviews; without --model the LSTM (3 epochs, 200 words), then the bigrams model (3 epochs, 400 words)' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'folder for the model, its tokenizer and the history'),
    quiet: quietFlag(),
  },
  examples: ['pnpm start --model transformer --epochs 2', 'pnpm start --limit 25000 --test-limit 25000 --max-length 200', 'pnpm start --model bigrams --epochs 6 --limit 25000 --validation 5000 --max-length 400 --max-words 20000 --learning-rate 0.005', 'pnpm full --model transformer'],
});

/**
 * The training runs a command line asks for: one, or with `--full` each model with its settings
 * in `FULL_SETTINGS` on every review (the LSTM, then the bigrams model; `--model` picks
 * one); flags given beside `--full` still apply, but not `--epochs`.
 *
 * @example
 * trainRuns(parsed); // [{ model: 'lstm', epochs: 1, limit: 2000, ... }]
 */
export function trainRuns({ values, given }: Parsed<typeof trainCommand.flags>): TrainOptions[] {
  if (values.full && given.has('epochs')) {
    throw new UsageError(`\`--epochs\` cannot be combined with \`--full\` in ${trainCommand.name}: --full trains each model for the epochs chosen on validation (the README lists them).`);
  }
  const kinds: readonly ModelKind[] = values.full ? (given.has('model') ? [values.model] : FULL_MODELS) : [values.model];
  const limit = values.full && !given.has('limit') ? FULL.limit : values.limit;
  if (values.validation >= limit - 1) {
    throw new UsageError(invalidFlag(trainCommand, 'validation', `fewer than ${limit - 1} reviews (the ${limit} training reviews of --limit, less one)`, String(values.validation)));
  }
  return kinds.map((model) => {
    const settings = FULL_SETTINGS[model];
    const pick = (flag: 'batch-size' | 'limit' | 'test-limit' | 'max-length' | 'max-words' | 'learning-rate'): number => {
      if (!values.full || given.has(flag)) return values[flag];
      return flag === 'max-length' || flag === 'max-words' || flag === 'learning-rate' ? settings[flag] : FULL[flag];
    };
    return {
      model,
      epochs: values.full ? settings.epochs : values.epochs,
      batchSize: pick('batch-size'),
      learningRate: pick('learning-rate'),
      limit: pick('limit'),
      testLimit: pick('test-limit'),
      maxLength: pick('max-length'),
      maxWords: pick('max-words'),
      threads: values.threads,
      seed: values.seed,
      outDir: values.out,
      validation: values.validation,
    };
  });
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
