import { describe, expect, it } from 'vitest';
import { parseScoreOptions, parseTrainOptions, UsageError } from './options.js';

describe('parseTrainOptions', () => {
  it('defaults to the fast demo: the LSTM, 1 epoch, 2,000 reviews', () => {
    expect(parseTrainOptions([])).toEqual({
      model: 'lstm', epochs: 1, batchSize: 64, learningRate: 0.002, limit: 2000, testLimit: 1000, maxLength: 100, maxWords: 10000, threads: 'auto', seed: 42, outDir: 'runs',
    });
  });
  it('reads every flag', () => {
    const options = parseTrainOptions(['--model', 'transformer', '--epochs', '3', '--limit', '25000', '--test-limit', '25000', '--max-length', '200', '--threads', '2', '--out', 'x']);
    expect(options).toMatchObject({ model: 'transformer', epochs: 3, limit: 25000, testLimit: 25000, maxLength: 200, threads: 2, outDir: 'x' });
  });
  it('rejects bad values with the usage', () => {
    expect(() => parseTrainOptions(['--model', 'rnn'])).toThrow(UsageError);
    expect(() => parseTrainOptions(['--model', 'rnn'])).toThrow('--model must be lstm or transformer, received "rnn".');
    expect(() => parseTrainOptions(['--epochs', '0'])).toThrow('--epochs must be a positive integer, received "0".');
    expect(() => parseTrainOptions(['--learning-rate', 'fast'])).toThrow('--learning-rate must be a positive number, received "fast".');
    expect(() => parseTrainOptions(['--help'])).toThrow('Usage: pnpm start');
  });
});

describe('parseScoreOptions', () => {
  it('takes every positional argument as one review', () => {
    expect(parseScoreOptions(['what a wonderful film', '--model', 'transformer', 'dull'])).toEqual({ texts: ['what a wonderful film', 'dull'], model: 'transformer', outDir: 'runs' });
    expect(parseScoreOptions(['--out', 'elsewhere', 'ok'])).toEqual({ texts: ['ok'], model: 'lstm', outDir: 'elsewhere' });
  });
  it('needs a review and known flags', () => {
    expect(() => parseScoreOptions([])).toThrow('Give at least one review to score.');
    expect(() => parseScoreOptions(['  '])).toThrow('Give at least one review to score.');
    expect(() => parseScoreOptions(['--bogus', 'x'])).toThrow(/bogus/);
  });
});
