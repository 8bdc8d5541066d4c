import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError, type Command, type Parsed } from './command-line.js';
import { checkCommand, checkOptions, FULL, generateCommand, generateOptions, trainCommand, trainOptions } from './options.js';

function parsed<F extends Command['flags']>(command: Command<F>, argv: string[]): Parsed<F> {
  const result = parseCommandLine(command, argv);
  if (result === 'help') throw new Error('unexpected help');
  return result;
}

describe('trainOptions', () => {
  it('defaults to the quick demo', () => {
    expect(trainOptions(parsed(trainCommand, []))).toEqual({
      limit: 150, validLimit: 50, vocabulary: 384, context: 64, dim: 64, layers: 2, heads: 2, dropout: 0, activation: 'relu', output: 'dense', prefix: 'broadcast', epochs: 1, trainMinutes: 1.5, batchSize: 8, learningRate: 0.01, weightDecay: 0.01,
      ngramOrder: 6, scoreContext: 32, samples: 20, sampleTokens: 60, classifierLimit: 2000, judge: 'bigrams', classifierEpochs: 3, guidance: 0, rerank: 1, threads: 'auto', seed: 42, outDir: 'runs', quiet: false,
    });
  });

  it('--full (pnpm full) changes the defaults it names; flags given beside it still apply', () => {
    const options = trainOptions(parsed(trainCommand, ['--full', '--samples', '50', '--seed', '1']));
    expect(options).toMatchObject({ limit: FULL.limit, vocabulary: FULL.vocabulary, context: FULL.context, dim: FULL.dim, heads: FULL.heads, epochs: FULL.epochs, samples: 50, seed: 1, trainMinutes: FULL['train-minutes'] });
    expect(options).toMatchObject({ sampleTokens: FULL['sample-tokens'], classifierLimit: FULL['classifier-limit'], scoreContext: FULL['score-context'], learningRate: FULL['learning-rate'] });
  });

  it('refuses a --score-context that leaves no new target in a window, naming both flags', () => {
    expect(() => trainOptions(parsed(trainCommand, ['--context', '32', '--score-context', '32']))).toThrow(new UsageError('`--score-context` must be below `--context` in pnpm start: 32 ids of context do not leave a new target in a window of 32.'));
    expect(trainOptions(parsed(trainCommand, ['--context', '32', '--score-context', '31'])).scoreContext).toBe(31);
  });

  it('refuses heads that do not divide the width, naming both', () => {
    expect(() => trainOptions(parsed(trainCommand, ['--dim', '64', '--heads', '3']))).toThrow(new UsageError('`--heads` must divide `--dim` in pnpm start: 3 heads do not divide a width of 64.'));
  });
});

describe('generateOptions', () => {
  it('joins the words of the prompt and maps --top-k 0 to all tokens', () => {
    expect(generateOptions(parsed(generateCommand, ['This', 'movie', '--sentiment', 'neg', '--top-k', '0']))).toEqual({
      prompt: 'This movie', sentiment: 'neg', temperature: 0.8, topK: undefined, topP: 0.95, repetitionPenalty: 1.1, maxTokens: 60, guidance: 0, rerank: 1, guideLimit: 25_000, seed: 42, outDir: 'runs', modelPath: undefined,
    });
  });
});

describe('checkOptions', () => {
  it('checks guidance 0 by default, every --guidance given otherwise, and samples with --seed unless --sample-seed is given', () => {
    expect(checkOptions(parsed(checkCommand, []))).toMatchObject({ guidance: [0], samples: FULL.samples, sampleTokens: FULL['sample-tokens'], classifierLimit: FULL['classifier-limit'], validLimit: FULL['valid-limit'], seed: 42, sampleSeed: 42 });
    expect(checkOptions(parsed(checkCommand, ['--guidance', '1', '--guidance', '2.5', '--sample-seed', '7', '--samples', '40']))).toMatchObject({ guidance: [1, 2.5], sampleSeed: 7, seed: 42, samples: 40 });
    expect(checkOptions(parsed(checkCommand, ['--rerank', '1', '--rerank', '8'])).rerank).toEqual([1, 8]);
    expect(checkOptions(parsed(checkCommand, [])).rerank).toEqual([1]);
  });

  it("judges with apps/sentiment's bigrams model for its recipe's 3 epochs by default, the earlier runs' LSTM for 1 with --judge lstm", () => {
    expect(checkOptions(parsed(checkCommand, []))).toMatchObject({ judge: 'bigrams', classifierEpochs: 3 });
    expect(checkOptions(parsed(checkCommand, ['--judge', 'lstm']))).toMatchObject({ judge: 'lstm', classifierEpochs: 1 });
    expect(trainOptions(parsed(trainCommand, ['--full', '--judge', 'lstm', '--classifier-epochs', '2']))).toMatchObject({ judge: 'lstm', classifierEpochs: 2 });
  });
});
