import { choice, decimal, defineCommand, epochsFlag, integer, list, outFlag, quietFlag, seedFlag, text, threadsFlag, toggle, UsageError, type Flag, type Parsed } from './command-line.js';
import type { Sentiment } from './corpus.js';
import { JUDGES, type JudgeKind } from './classifier.js';

/** Everything a training run (`start` or `full`) needs. */
export interface TrainOptions {
  /** Training reviews for the GPT and the n-gram (a balanced prefix of the 25,000). */
  limit: number;
  /** Test-half reviews whose text is the validation text (a balanced prefix of the 25,000). */
  validLimit: number;
  vocabulary: number;
  context: number;
  dim: number;
  layers: number;
  heads: number;
  dropout: number;
  /** Feed-forward activation of the decoder blocks. */
  activation: 'relu' | 'gelu';
  /** Logits through the embedding's token table ('tied') or their own dense layer ('dense'). */
  output: 'tied' | 'dense';
  /** How the sentiment token reaches the positions: added to every one ('broadcast') or through attention only ('attention'). */
  prefix: 'broadcast' | 'attention';
  epochs: number;
  /** Training time budget in minutes (undefined: every epoch). */
  trainMinutes: number | undefined;
  batchSize: number;
  learningRate: number;
  /** AdamW's decoupled weight decay on the matrices. */
  weightDecay: number;
  ngramOrder: number;
  /**
   * Least context of every scored validation token: the validation text is scored in sliding
   * windows that give each target at least this many ids of its review before it (0: the rows as
   * trained, no overlap). The n-gram scores the same targets from the same rows.
   */
  scoreContext: number;
  /** Reviews generated per sentiment for the conditioning check. */
  samples: number;
  /** Most new tokens per generated review (the window moves on past the context). */
  sampleTokens: number;
  /** Training reviews for the sentiment classifier that judges them. */
  classifierLimit: number;
  /** The sentiment classifier that judges them (apps/sentiment's bigrams model, or the LSTM of the earlier runs). */
  judge: JudgeKind;
  /** Epochs of the sentiment classifier (its recipe's when not given). */
  classifierEpochs: number;
  /** Hashed word-pair ids of the bigrams judge (not a flag: its recipe's 200,000 unless a test passes fewer). */
  judgeBuckets?: number;
  /** Contrastive guidance of the conditioning check's guided sampler (0: none). */
  guidance: number;
  /** Best-of-N reranking of the conditioning check's guided sampler (1: none). */
  rerank: number;
  threads: number | 'auto';
  seed: number;
  outDir: string;
  quiet: boolean;
}

const GUIDANCE_DESCRIPTION = 'contrastive guidance: sample from asked + G x (asked - opposite), the logits with the asked-for and the opposite sentiment token (0: plain sampling; above 0 doubles the cost)';

const RERANK_DESCRIPTION = "best-of-N reranking: sample N reviews for each one asked for and keep the one the app's own guide (logistic regression on word unigrams and bigrams, trained on the training half; not the judge) finds most likely to have the asked-for sentiment (1: no reranking; N times the cost)";

/** `--judge`: the sentiment classifier of the conditioning check. */
const JUDGE_FLAG = choice(['bigrams', 'lstm'] as const, {
  description: "the sentiment classifier that judges the generated reviews: apps/sentiment's best recipe on held-out real reviews, the bigrams model (masked mean of word and hashed word-pair vectors, 400 words, 3 epochs), or the LSTM of the earlier runs (100 words, 1 epoch)",
  default: 'bigrams',
});

/** `--classifier-epochs`: the judge's recipe by default. */
const CLASSIFIER_EPOCHS_FLAG = integer({ description: 'epochs of the sentiment classifier', min: 1, max: 100, defaultText: `${JUDGES.bigrams.epochs} for bigrams, ${JUDGES.lstm.epochs} for lstm` });

/** `--guidance G`, one value. */
function guidanceFlag(description = GUIDANCE_DESCRIPTION): Flag<number> {
  return decimal({ description, default: 0, min: 0, max: 1000 });
}

/** The feed-forward activation and the output layer, the same for `start` and `full`. */
export const ACTIVATION: 'relu' | 'gelu' = 'relu';
export const OUTPUT: 'dense' | 'tied' = 'dense';
export const PREFIX: 'broadcast' | 'attention' = 'broadcast';

/** What `pnpm full` (`--full`) changes. */
export const FULL = {
  limit: 7000,
  'valid-limit': 300,
  vocabulary: 2048,
  context: 128,
  dim: 128,
  layers: 3,
  heads: 4,
  epochs: 20,
  'train-minutes': 100,
  'learning-rate': 0.003,
  'ngram-order': 7,
  'score-context': 64,
  samples: 200,
  'sample-tokens': 200,
  'classifier-limit': 25_000,
  guidance: 2,
} as const;

/** `pnpm start` (and `pnpm full`, which is `pnpm start --full`). */
export const trainCommand = defineCommand({
  name: 'pnpm start',
  summary: 'Trains a small GPT on IMDB reviews (asked for with <pos> or <neg>), compares it with a Kneser-Ney n-gram, checks the sentiment of what it writes, prints samples and saves the model.',
  flags: {
    limit: integer({ description: 'training reviews (a balanced prefix of the 25,000)', default: 150, min: 2, max: 25_000, defaultText: `150; ${FULL.limit} with --full` }),
    'valid-limit': integer({ description: 'validation reviews from the test half (a balanced prefix)', default: 50, min: 2, max: 25_000, defaultText: `50; ${FULL['valid-limit']} with --full` }),
    vocabulary: integer({ description: 'BPE vocabulary size (5 special tokens + 256 bytes + merges)', default: 384, min: 262, max: 16_384, defaultText: `384; ${FULL.vocabulary} with --full` }),
    context: integer({ description: 'tokens the model reads at once', default: 64, min: 8, max: 1024, defaultText: `64; ${FULL.context} with --full` }),
    dim: integer({ description: 'width of the model (embedding size)', default: 64, min: 8, max: 1024, defaultText: `64; ${FULL.dim} with --full` }),
    layers: integer({ description: 'decoder blocks', default: 2, min: 1, max: 48, defaultText: `2; ${FULL.layers} with --full` }),
    heads: integer({ description: 'attention heads (must divide --dim)', default: 2, min: 1, max: 64, defaultText: `2; ${FULL.heads} with --full` }),
    dropout: decimal({ description: 'dropout rate in the decoder blocks', default: 0, min: 0, max: 0.9 }),
    activation: choice(['relu', 'gelu'] as const, { description: 'feed-forward activation of the decoder blocks', default: ACTIVATION }),
    output: choice(['dense', 'tied'] as const, { description: "logits from their own dense layer, or through the embedding's token table (tied)", default: OUTPUT }),
    prefix: choice(['broadcast', 'attention'] as const, { description: "how the sentiment token reaches every position: its vector added to each (broadcast), or through attention only", default: PREFIX }),
    epochs: epochsFlag(1, `1; ${FULL.epochs} with --full (at most: --train-minutes ends it first)`),
    'train-minutes': decimal({ description: 'stop training after this many minutes (the learning rate decays over them)', default: 1.5, min: 0.01, max: 100_000, defaultText: `1.5; ${FULL['train-minutes']} with --full` }),
    'batch-size': integer({ description: 'token rows per training step', default: 8, min: 1, max: 4096 }),
    'learning-rate': decimal({ description: 'peak AdamW learning rate (warm-up, then cosine decay to a tenth)', default: 0.01, min: 1e-9, max: 10, defaultText: `0.01; ${FULL['learning-rate']} with --full` }),
    'weight-decay': decimal({ description: "AdamW's decoupled weight decay on every weight of rank 2 or more (matrices and embedding tables, not biases or norms)", default: 0.01, min: 0, max: 10 }),
    'ngram-order': integer({ description: 'highest order of the Kneser-Ney baselines (orders 2 to N are fitted; the best is the baseline)', default: 6, min: 1, max: 8, defaultText: `6; ${FULL['ngram-order']} with --full` }),
    'score-context': integer({ description: "least context of every scored validation token: the validation text is scored in sliding windows, each target after at least N ids of its review (or all before it), every target once (0: the rows as trained, each row's first target after the sentiment token alone); the n-gram scores the same targets; must be below --context", default: 32, min: 0, max: 1023, defaultText: `32; ${FULL['score-context']} with --full` }),
    samples: integer({ description: 'reviews generated per sentiment for the conditioning check', default: 20, min: 1, max: 10_000, defaultText: `20; ${FULL.samples} with --full` }),
    'sample-tokens': integer({ description: 'most new tokens per generated review (the window moves on past the context)', default: 60, min: 1, max: 100_000, defaultText: `60; ${FULL['sample-tokens']} with --full` }),
    'classifier-limit': integer({ description: 'training reviews for the sentiment classifier that judges them (and for the reranking guide)', default: 2000, min: 2, max: 25_000, defaultText: `2000; ${FULL['classifier-limit'].toLocaleString('en-US')} with --full` }),
    judge: JUDGE_FLAG,
    'classifier-epochs': CLASSIFIER_EPOCHS_FLAG,
    guidance: { ...guidanceFlag(`${GUIDANCE_DESCRIPTION}, in the conditioning check's guided sampler (checked after the plain one)`), defaultText: `0; ${FULL.guidance} with --full` },
    rerank: integer({ description: `${RERANK_DESCRIPTION}, in the conditioning check's guided sampler (checked after the plain one)`, default: 1, min: 1, max: 64 }),
    full: toggle({ description: `what pnpm full runs: ${FULL['train-minutes']} minutes on up to ${FULL.limit} reviews, vocabulary ${FULL.vocabulary}, context ${FULL.context}, ${FULL.layers} blocks of width ${FULL.dim}, n-grams up to order ${FULL['ngram-order']}, ${FULL.samples} samples of up to ${FULL['sample-tokens']} tokens per sentiment (plain, then with guidance ${FULL.guidance}), judged by a classifier trained on ${FULL['classifier-limit'].toLocaleString('en-US')} reviews` }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'folder for the model, its tokenizer and the report'),
    quiet: quietFlag(),
  },
  examples: ['pnpm start --limit 500 --epochs 2', 'pnpm full --seed 1'],
});

/**
 * The run a `start` command line asks for (`--full` changes the defaults of the flags it names;
 * flags given beside it still apply).
 *
 * @example
 * trainOptions(parsed); // { limit: 150, vocabulary: 512, context: 48, ... }
 */
export function trainOptions({ values, given }: Parsed<typeof trainCommand.flags>): TrainOptions {
  const pick = <K extends keyof typeof FULL>(flag: K): number => (values.full && !given.has(flag) ? FULL[flag] : (values[flag] as number));
  const options: TrainOptions = {
    limit: pick('limit'),
    validLimit: pick('valid-limit'),
    vocabulary: pick('vocabulary'),
    context: pick('context'),
    dim: pick('dim'),
    layers: pick('layers'),
    heads: pick('heads'),
    dropout: values.dropout,
    activation: values.activation,
    output: values.output,
    prefix: values.prefix,
    epochs: pick('epochs'),
    trainMinutes: pick('train-minutes'),
    batchSize: values['batch-size'],
    learningRate: pick('learning-rate'),
    weightDecay: values['weight-decay'],
    ngramOrder: pick('ngram-order'),
    scoreContext: pick('score-context'),
    samples: pick('samples'),
    sampleTokens: pick('sample-tokens'),
    classifierLimit: pick('classifier-limit'),
    judge: values.judge,
    classifierEpochs: values['classifier-epochs'] ?? JUDGES[values.judge].epochs,
    guidance: pick('guidance'),
    rerank: values.rerank,
    threads: values.threads,
    seed: values.seed,
    outDir: values.out,
    quiet: values.quiet,
  };
  if (options.dim % options.heads !== 0) throw new UsageError(`\`--heads\` must divide \`--dim\` in ${trainCommand.name}: ${options.heads} heads do not divide a width of ${options.dim}.`);
  if (options.scoreContext >= options.context) throw new UsageError(`\`--score-context\` must be below \`--context\` in ${trainCommand.name}: ${options.scoreContext} ids of context do not leave a new target in a window of ${options.context}.`);
  return options;
}

/** `pnpm generate "prompt"`. */
export const generateCommand = defineCommand({
  name: 'pnpm generate',
  summary: 'Continues a prompt with the GPT pnpm start saved, printing the text as it is produced.',
  flags: {
    sentiment: choice(['pos', 'neg'] as const, { description: 'the kind of review to write (the prefix token <pos> or <neg>)', default: 'pos' }),
    temperature: decimal({ description: 'sampling temperature (0 is greedy)', default: 0.8, min: 0, max: 10 }),
    'top-k': integer({ description: 'sample among the k most likely tokens (0: all)', default: 40, min: 0, max: 1_000_000 }),
    'top-p': decimal({ description: 'nucleus sampling: the most likely tokens adding up to p', default: 0.95, min: 0.01, max: 1 }),
    'repetition-penalty': decimal({ description: 'above 1 discourages repeating tokens', default: 1.1, min: 0.01, max: 10 }),
    'max-tokens': integer({ description: 'most new tokens', default: 60, min: 1, max: 100_000 }),
    guidance: guidanceFlag(),
    rerank: integer({ description: `${RERANK_DESCRIPTION}; the guide trains first on --guide-limit reviews (seconds), and the chosen review is printed once all N are written`, default: 1, min: 1, max: 64 }),
    'guide-limit': integer({ description: 'training reviews for the reranking guide (a balanced prefix of the training half)', default: 25_000, min: 2, max: 25_000 }),
    seed: seedFlag(),
    out: outFlag('runs', 'the folder pnpm start --out wrote to'),
    model: text({ description: 'a saved model file instead of DIR/gpt.loom', placeholder: 'FILE' }),
  },
  positionals: { placeholder: '"PROMPT"', description: 'the start of the review (may be empty: "")', min: 0 },
  examples: ['pnpm generate "This movie"', 'pnpm generate --sentiment neg --temperature 0.7 --top-k 20 "The acting"'],
});

export interface GenerateCliOptions {
  prompt: string;
  sentiment: Sentiment;
  temperature: number;
  topK: number | undefined;
  topP: number;
  repetitionPenalty: number;
  maxTokens: number;
  guidance: number;
  rerank: number;
  guideLimit: number;
  seed: number;
  outDir: string;
  modelPath: string | undefined;
}

/**
 * The prompt and sampling options of a `generate` command line (the positional arguments
 * joined with spaces).
 *
 * @example
 * generateOptions(parsed); // { prompt: 'This movie', sentiment: 'pos', temperature: 0.8, ... }
 */
export function generateOptions({ values, positionals }: Parsed<typeof generateCommand.flags>): GenerateCliOptions {
  return {
    prompt: positionals.join(' '),
    sentiment: values.sentiment,
    temperature: values.temperature,
    topK: values['top-k'] === 0 ? undefined : values['top-k'],
    topP: values['top-p'],
    repetitionPenalty: values['repetition-penalty'],
    maxTokens: values['max-tokens'],
    guidance: values.guidance,
    rerank: values.rerank,
    guideLimit: values['guide-limit'],
    seed: values.seed,
    outDir: values.out,
    modelPath: values.model,
  };
}

/** `pnpm check`. */
export const checkCommand = defineCommand({
  name: 'pnpm check',
  summary: "Re-runs the conditioning check alone on a saved model: trains the judge once, then for each --guidance value generates --samples reviews per sentiment and reports the share judged as asked.",
  flags: {
    guidance: {
      ...list({ description: `${GUIDANCE_DESCRIPTION}; each value is checked with the same judge and seed`, placeholder: 'G', expected: 'a number from 0 to 1000' }),
      defaultText: '0',
      parse: (value: string) => {
        const g = Number(value);
        return value.trim() !== '' && Number.isFinite(g) && g >= 0 && g <= 1000 ? [value.trim()] : undefined;
      },
    },
    rerank: {
      ...list({ description: `${RERANK_DESCRIPTION}; each value is checked with the same judge and seed, the first N candidates of the largest (N = 1 is the plain check)`, placeholder: 'N', expected: 'an integer from 1 to 64' }),
      defaultText: '1',
      parse: (value: string) => (/^\s*\d+\s*$/.test(value) && Number(value) >= 1 && Number(value) <= 64 ? [value.trim()] : undefined),
    },
    samples: integer({ description: 'reviews generated per sentiment', default: FULL.samples, min: 1, max: 10_000 }),
    'sample-tokens': integer({ description: 'most new tokens per generated review (the window moves on past the context)', default: FULL['sample-tokens'], min: 1, max: 100_000 }),
    'sample-seed': integer({ description: 'seed of the sampler (default: --seed)', min: 0 }),
    'valid-limit': integer({ description: "validation reviews from the test half (a balanced prefix) the judge's accuracy is measured on", default: FULL['valid-limit'], min: 2, max: 25_000 }),
    'classifier-limit': integer({ description: 'training reviews for the sentiment classifier that judges them (and for the reranking guide)', default: FULL['classifier-limit'], min: 2, max: 25_000 }),
    judge: JUDGE_FLAG,
    'classifier-epochs': CLASSIFIER_EPOCHS_FLAG,
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'the folder pnpm start --out wrote to (check.json is written there)'),
    model: text({ description: 'a saved model file instead of DIR/gpt.loom', placeholder: 'FILE' }),
    quiet: quietFlag(),
  },
  examples: ['pnpm check --out runs --guidance 0 --guidance 2', 'pnpm check --samples 40 --sample-seed 7 --guidance 1 --guidance 2 --guidance 4', 'pnpm check --rerank 1 --rerank 8'],
});

export interface CheckOptions {
  guidance: number[];
  /** Best-of-N reranking values (1: none). */
  rerank: number[];
  samples: number;
  sampleTokens: number;
  sampleSeed: number;
  validLimit: number;
  classifierLimit: number;
  judge: JudgeKind;
  classifierEpochs: number;
  /** Hashed word-pair ids of the bigrams judge (not a flag: its recipe's 200,000 unless a test passes fewer). */
  judgeBuckets?: number;
  threads: number | 'auto';
  seed: number;
  outDir: string;
  modelPath: string | undefined;
  quiet: boolean;
}

/**
 * What a `check` command line asks for.
 *
 * @example
 * checkOptions(parsed); // { guidance: [0], samples: 200, sampleSeed: 42, ... }
 */
export function checkOptions({ values }: Parsed<typeof checkCommand.flags>): CheckOptions {
  const guidance = (values.guidance as string[]).map(Number);
  const rerank = (values.rerank as string[]).map(Number);
  return {
    guidance: guidance.length === 0 ? [0] : guidance,
    rerank: rerank.length === 0 ? [1] : rerank,
    samples: values.samples,
    sampleTokens: values['sample-tokens'],
    sampleSeed: values['sample-seed'] ?? values.seed,
    validLimit: values['valid-limit'],
    classifierLimit: values['classifier-limit'],
    judge: values.judge,
    classifierEpochs: values['classifier-epochs'] ?? JUDGES[values.judge].epochs,
    threads: values.threads,
    seed: values.seed,
    outDir: values.out,
    modelPath: values.model,
    quiet: values.quiet,
  };
}

/** `pnpm bench`. */
export const benchCommand = defineCommand({
  name: 'pnpm bench',
  summary: 'Measures generation tokens/s with and without the key/value cache, and training tokens/s, for the model size pnpm full trains (random weights).',
  flags: {
    'new-tokens': integer({ description: 'tokens generated per measurement', default: 256, min: 1, max: 4096 }),
    rounds: integer({ description: 'interleaved rounds (cached, uncached, training in turn)', default: 3, min: 1, max: 100 }),
    'train-steps': integer({ description: 'training steps per round', default: 3, min: 1, max: 1000 }),
    threads: threadsFlag(),
    seed: seedFlag(),
  },
  examples: ['pnpm bench', 'pnpm bench --rounds 5 --threads 1'],
});
