import { parseArgs } from 'node:util';

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
}

const trainUsage = `Usage: pnpm start [--model lstm|transformer] [--epochs N] [--batch-size N] [--learning-rate X]
                  [--limit N] [--test-limit N] [--max-length N] [--max-words N] [--threads auto|N] [--seed N] [--out DIR]`;
const scoreUsage = `Usage: pnpm score [--model lstm|transformer] [--out DIR] "review text" ["another review" ...]`;

/** A bad flag: the CLI prints the message and usage, and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the training flags; the defaults are the fast demo (the LSTM, 1 epoch, 2,000 reviews). */
export function parseTrainOptions(argv: string[]): TrainOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string', default: 'lstm' },
      epochs: { type: 'string', default: '1' },
      'batch-size': { type: 'string', default: '64' },
      'learning-rate': { type: 'string', default: '0.002' },
      limit: { type: 'string', default: '2000' },
      'test-limit': { type: 'string', default: '1000' },
      'max-length': { type: 'string', default: '100' },
      'max-words': { type: 'string', default: '10000' },
      threads: { type: 'string', default: 'auto' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'runs' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError(trainUsage);
  return {
    model: modelKind(values.model!, trainUsage),
    epochs: positiveInteger('epochs', values.epochs!, trainUsage),
    batchSize: positiveInteger('batch-size', values['batch-size']!, trainUsage),
    learningRate: positiveNumber('learning-rate', values['learning-rate']!, trainUsage),
    limit: positiveInteger('limit', values.limit!, trainUsage),
    testLimit: positiveInteger('test-limit', values['test-limit']!, trainUsage),
    maxLength: positiveInteger('max-length', values['max-length']!, trainUsage),
    maxWords: positiveInteger('max-words', values['max-words']!, trainUsage),
    threads: values.threads === 'auto' ? 'auto' : positiveInteger('threads', values.threads!, trainUsage),
    seed: positiveInteger('seed', values.seed!, trainUsage),
    outDir: values.out!,
  };
}

/** Parses `score` arguments: every positional argument is one review. */
export function parseScoreOptions(argv: string[]): ScoreOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'lstm' },
      out: { type: 'string', default: 'runs' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError(scoreUsage);
  const texts = positionals.filter((text) => text.trim().length > 0);
  if (texts.length === 0) throw new UsageError(`Give at least one review to score.\n${scoreUsage}`);
  return { texts, model: modelKind(values.model!, scoreUsage), outDir: values.out! };
}

function modelKind(text: string, usage: string): ModelKind {
  if (text !== 'lstm' && text !== 'transformer') throw new UsageError(`--model must be lstm or transformer, received "${text}".\n${usage}`);
  return text;
}

function positiveInteger(flag: string, text: string, usage: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${flag} must be a positive integer, received "${text}".\n${usage}`);
  return value;
}

function positiveNumber(flag: string, text: string, usage: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a positive number, received "${text}".\n${usage}`);
  return value;
}
