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

export type ModelKind = 'mlp' | 'cnn';

export interface TrainOptions {
  model: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Use only the first `limit` training images (all 60,000 when undefined). */
  limit: number | undefined;
  threads: number | 'auto';
  seed: number;
  /** Directory for the saved model, history plot and logs. */
  outDir: string;
}

const DEFAULT_EPOCHS: Record<ModelKind, number> = { mlp: 2, cnn: 1 };
// A larger peak rate under cosine decay took the CNN past 99% in 5 epochs on every seed tried.
export const DEFAULT_LEARNING_RATE: Record<ModelKind, number> = { mlp: 0.001, cnn: 0.002 };
/** What `pnpm full` (`--full`) trains: the full-accuracy runs of the README's results table. */
export const FULL_RUNS: readonly { model: ModelKind; epochs: number }[] = [
  { model: 'mlp', epochs: 20 },
  { model: 'cnn', epochs: 5 },
];

/** `pnpm start` (and `pnpm full`, which is `pnpm start --full`). */
export const trainCommand = defineCommand({
  name: 'pnpm start',
  summary: 'Trains a digit recogniser on MNIST on the WASM backend, prints test accuracy and a confusion matrix, and saves the model.',
  flags: {
    model: choice(['mlp', 'cnn'], { description: 'the model to train', default: 'mlp' }),
    epochs: epochsFlag(undefined, '2 for the MLP, 1 for the CNN'),
    'batch-size': integer({ description: 'images per training step', default: 128, min: 1, max: 60_000 }),
    'learning-rate': decimal({ description: 'peak Adam learning rate, decayed to 1% of it by the end', min: 1e-9, max: 10, defaultText: '0.001 for the MLP, 0.002 for the CNN' }),
    limit: integer({ description: 'train on the first N of the 60,000 images', min: 10, max: 60_000, defaultText: 'all' }),
    full: toggle({ description: 'what pnpm full runs: the MLP for 20 epochs, then the CNN for 5' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'folder for the model, the accuracy/loss plot and the CSV log'),
    quiet: quietFlag(),
  },
  examples: ['pnpm start --model cnn --epochs 5', 'pnpm start --limit 6000 --epochs 1 --out /tmp/digits'],
  notes: ['The last model trained is also copied to web/public/model/mnist.loom for the web page (pnpm web).'],
});

/**
 * The training runs a command line asks for: one, or with `--full` the MLP then the CNN.
 *
 * @example
 * trainRuns(parseCommandLine(trainCommand, ['--model', 'cnn']) as Parsed<typeof trainCommand.flags>); // [{ model: 'cnn', epochs: 1, ... }]
 */
export function trainRuns({ values, given }: Parsed<typeof trainCommand.flags>): TrainOptions[] {
  const runs = values.full ? FULL_RUNS : [{ model: values.model, epochs: values.epochs }];
  if (values.full) {
    for (const flag of ['model', 'epochs', 'learning-rate'] as const) {
      if (given.has(flag)) throw new UsageError(`\`--${flag}\` cannot be combined with \`--full\` in ${trainCommand.name}: --full trains the MLP for 20 epochs, then the CNN for 5.`);
    }
  }
  return runs.map(({ model, epochs }) => ({
    model,
    epochs: epochs ?? DEFAULT_EPOCHS[model],
    batchSize: values['batch-size'],
    learningRate: values['learning-rate'] ?? DEFAULT_LEARNING_RATE[model],
    limit: values.limit,
    threads: values.threads,
    seed: values.seed,
    outDir: values.out,
  }));
}
