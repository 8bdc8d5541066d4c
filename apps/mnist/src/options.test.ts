import { describe, expect, it } from 'vitest';
import { parseTrainOptions, UsageError } from './options.js';

describe('parseTrainOptions', () => {
  it('defaults to the fast demo: the MLP for 2 epochs on all images', () => {
    expect(parseTrainOptions([])).toEqual({
      model: 'mlp', epochs: 2, batchSize: 128, learningRate: 0.001, limit: undefined, threads: 'auto', seed: 42, outDir: 'runs',
    });
  });

  it('gives the CNN its own default epochs and learning rate, and reads every flag', () => {
    const options = parseTrainOptions(['--model', 'cnn', '--batch-size', '64', '--limit', '1000', '--threads', '2', '--out', 'tmp']);
    expect(options).toMatchObject({ model: 'cnn', epochs: 1, learningRate: 0.002, batchSize: 64, limit: 1000, threads: 2, outDir: 'tmp' });
    expect(parseTrainOptions(['--model', 'cnn', '--learning-rate', '0.0005']).learningRate).toBe(0.0005);
  });

  it('names the offending flag and value', () => {
    expect(() => parseTrainOptions(['--model', 'rnn'])).toThrow(/--model must be mlp or cnn, received "rnn"/);
    expect(() => parseTrainOptions(['--epochs', '0'])).toThrow(/--epochs must be a positive integer, received "0"/);
    expect(() => parseTrainOptions(['--learning-rate', 'fast'])).toThrow(UsageError);
  });

  it('rejects unknown flags', () => {
    expect(() => parseTrainOptions(['--epoch', '3'])).toThrow(/epoch/);
  });
});
