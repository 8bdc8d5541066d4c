import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError, type Command, type Parsed } from './command-line.js';
import { FULL_MODELS, scoreCommand, scoreOptions, trainCommand, trainRuns } from './options.js';

function parsed<F extends Command['flags']>(command: Command<F>, argv: string[]): Parsed<F> {
  const result = parseCommandLine(command, argv);
  if (result === 'help') throw new Error('unexpected help');
  return result;
}

describe('trainRuns', () => {
  it('defaults to the fast demo: the LSTM, 1 epoch, 2,000 reviews', () => {
    expect(trainRuns(parsed(trainCommand, []))).toEqual([
      { model: 'lstm', epochs: 1, batchSize: 64, learningRate: 0.002, limit: 2000, testLimit: 1000, maxLength: 100, maxWords: 10000, threads: 'auto', seed: 42, outDir: 'runs', validation: 0 },
    ]);
  });

  it('reads every flag', () => {
    const [options] = trainRuns(
      parsed(trainCommand, ['--model', 'transformer', '--epochs', '3', '--limit', '25000', '--test-limit', '25000', '--max-length', '200', '--max-words', '500', '--validation', '5000', '--threads', '2', '--out', 'x']),
    );
    expect(options).toMatchObject({ model: 'transformer', epochs: 3, limit: 25000, testLimit: 25000, maxLength: 200, maxWords: 500, validation: 5000, threads: 2, outDir: 'x' });
  });

  it('--full (pnpm full) trains the timed LSTM, then the bigrams model, each with its own settings, on every review; other flags still apply', () => {
    const runs = trainRuns(parsed(trainCommand, ['--full', '--seed', '1', '--test-limit', '5000']));
    expect(runs.map(({ model, epochs, maxLength, maxWords, learningRate }) => ({ model, epochs, maxLength, maxWords, learningRate }))).toEqual([
      { model: 'lstm', epochs: 3, maxLength: 200, maxWords: 10000, learningRate: 0.002 },
      { model: 'bigrams', epochs: 3, maxLength: 400, maxWords: 20000, learningRate: 0.005 },
    ]);
    for (const run of runs) expect(run).toMatchObject({ batchSize: 128, limit: 25000, testLimit: 5000, seed: 1, validation: 0 });
    expect(FULL_MODELS).toEqual(runs.map((run) => run.model));
  });

  it('--full --model trains that model alone with its full settings; a flag given still wins', () => {
    expect(trainRuns(parsed(trainCommand, ['--full', '--model', 'transformer']))).toEqual([
      { model: 'transformer', epochs: 2, batchSize: 128, learningRate: 0.002, limit: 25000, testLimit: 25000, maxLength: 200, maxWords: 10000, threads: 'auto', seed: 42, outDir: 'runs', validation: 0 },
    ]);
    expect(trainRuns(parsed(trainCommand, ['--full', '--model', 'bigrams', '--max-length', '300', '--learning-rate', '0.001', '--validation', '5000']))[0]).toMatchObject({
      model: 'bigrams',
      epochs: 3,
      maxLength: 300,
      maxWords: 20000,
      learningRate: 0.001,
      validation: 5000,
    });
  });

  it('refuses --epochs beside --full, and a validation share that leaves too few training reviews, naming the flag', () => {
    expect(() => trainRuns(parsed(trainCommand, ['--full', '--epochs', '2']))).toThrow(
      new UsageError('`--epochs` cannot be combined with `--full` in pnpm start: --full trains each model for the epochs chosen on validation (the README lists them).'),
    );
    expect(() => trainRuns(parsed(trainCommand, ['--limit', '100', '--validation', '99']))).toThrow(
      new UsageError("Invalid value for `--validation` in pnpm start. Expected fewer than 99 reviews (the 100 training reviews of --limit, less one). Received: '99'."),
    );
    expect(trainRuns(parsed(trainCommand, ['--limit', '100', '--validation', '98']))[0]!.validation).toBe(98);
  });
});

describe('scoreOptions', () => {
  it('takes every positional argument as one review', () => {
    expect(scoreOptions(parsed(scoreCommand, ['what a wonderful film', '--model', 'transformer', 'dull']))).toEqual({ texts: ['what a wonderful film', 'dull'], model: 'transformer', outDir: 'runs', explain: false });
    expect(scoreOptions(parsed(scoreCommand, ['--out', 'elsewhere', 'ok']))).toEqual({ texts: ['ok'], model: 'lstm', outDir: 'elsewhere', explain: false });
    expect(scoreOptions(parsed(scoreCommand, ['--explain', 'ok']))).toEqual({ texts: ['ok'], model: 'lstm', outDir: 'runs', explain: true });
  });

  it('needs a review that is not blank', () => {
    expect(() => parsed(scoreCommand, [])).toThrow('Missing "REVIEW" ... for pnpm score: give at least 1 (one or more reviews, each in quotes).');
    expect(() => scoreOptions(parsed(scoreCommand, ['  ']))).toThrow('Missing "REVIEW" for pnpm score: every review given is blank.');
  });
});
