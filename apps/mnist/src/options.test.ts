import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './command-line.js';
import { trainCommand, trainRuns } from './options.js';

const runsFor = (argv: string[]) => {
  const parsed = parseCommandLine(trainCommand, argv);
  if (parsed === 'help') throw new Error('unexpected help');
  return trainRuns(parsed);
};

describe('trainRuns', () => {
  it('defaults to the fast demo: the MLP for 2 epochs on all images', () => {
    expect(runsFor([])).toEqual([{ model: 'mlp', epochs: 2, batchSize: 128, learningRate: 0.001, limit: undefined, threads: 'auto', seed: 42, outDir: 'runs' }]);
  });

  it('gives the CNN its own default epochs and learning rate, and reads every flag', () => {
    expect(runsFor(['--model', 'cnn', '--batch-size', '64', '--limit', '1000', '--threads', '2', '--out', 'tmp'])).toEqual([
      { model: 'cnn', epochs: 1, learningRate: 0.002, batchSize: 64, limit: 1000, threads: 2, seed: 42, outDir: 'tmp' },
    ]);
    expect(runsFor(['--model', 'cnn', '--learning-rate', '0.0005'])[0]!.learningRate).toBe(0.0005);
  });

  it('--full (pnpm full) trains the MLP for 20 epochs, then the CNN for 5, each at its own learning rate', () => {
    expect(runsFor(['--full', '--seed', '1']).map(({ model, epochs, learningRate, seed }) => ({ model, epochs, learningRate, seed }))).toEqual([
      { model: 'mlp', epochs: 20, learningRate: 0.001, seed: 1 },
      { model: 'cnn', epochs: 5, learningRate: 0.002, seed: 1 },
    ]);
  });

  it('refuses --model, --epochs and --learning-rate beside --full, naming the flag', () => {
    expect(() => runsFor(['--full', '--epochs', '3'])).toThrow(new UsageError('`--epochs` cannot be combined with `--full` in pnpm start: --full trains the MLP for 20 epochs, then the CNN for 5.'));
    expect(() => runsFor(['--model', 'cnn', '--full'])).toThrow(/^`--model` cannot be combined with `--full`/);
  });
});
