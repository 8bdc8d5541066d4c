// The commands of `pnpm compress` and `pnpm distill` and their flags (src/command-line.ts's
// convention), kept apart from the scripts so `--help` answers at once.
import { choice, decimal, defineCommand, epochsFlag, integer, outFlag, quietFlag, seedFlag, threadsFlag, toggle } from './command-line.js';

/** `pnpm compress`. */
export const compressCommand = defineCommand({
  name: 'pnpm compress',
  summary:
    'Trains the MLP and the CNN as pnpm full does, then measures post-training quantisation (int8 per channel, float16) and magnitude pruning with fine-tuning on the 10,000 test images: file sizes, accuracy, sparsity per layer.',
  flags: {
    model: choice(['both', 'mlp', 'cnn'], { description: 'which model to measure', default: 'both' }),
    reuse: toggle({ description: 'use mnist-mlp.loom and mnist-cnn.loom in the --out folder from an earlier pnpm full instead of training' }),
    sparsity: decimal({ description: 'final sparsity of the pruning runs', default: 0.8, min: 0, max: 0.99 }),
    'prune-epochs': integer({ description: 'fine-tuning epochs while pruning', default: 2, min: 1, max: 50 }),
    limit: integer({ description: 'train and fine-tune on the first N of the 60,000 images (a quick try; the test set stays whole)', min: 10, max: 60_000, defaultText: 'all' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'folder for the trained, quantised and pruned models and compress-mnist.json (-mlp.json, -cnn.json for one model)'),
    quiet: quietFlag(),
  },
  examples: ['pnpm compress', 'pnpm compress --reuse --sparsity 0.9'],
  notes: ['Prints Markdown tables with the date and load average, and writes them with the settings to compress-mnist.json; the README records one run.'],
});

/** `pnpm distill`. */
export const distillCommand = defineCommand({
  name: 'pnpm distill',
  summary:
    'Distils the CNN (the teacher, trained as pnpm full does) into a small MLP and compares it with the same MLP trained alone: same data, epochs, seed and optimizer.',
  flags: {
    reuse: toggle({ description: 'use mnist-cnn.loom in the --out folder from an earlier pnpm full as the teacher instead of training it' }),
    'student-units': integer({ description: 'hidden units of the student MLP (784-N-10)', default: 32, min: 1, max: 4096 }),
    epochs: epochsFlag(10),
    temperature: decimal({ description: 'softmax temperature of the distillation term', default: 4, min: 0.01, max: 100 }),
    alpha: decimal({ description: 'weight of the hard-label loss (the teacher term gets 1 - alpha)', default: 0.1, min: 0, max: 1 }),
    limit: integer({ description: 'train on the first N of the 60,000 images (a quick try; the test set stays whole)', min: 10, max: 60_000, defaultText: 'all' }),
    threads: threadsFlag(),
    seed: seedFlag(),
    out: outFlag('runs', 'folder for the teacher (mnist-cnn.loom) and distill-mnist.json'),
    quiet: quietFlag(),
  },
  examples: ['pnpm distill', 'pnpm distill --reuse --temperature 8 --alpha 0.3'],
  notes: ['Prints a Markdown table with the date and load average, and writes it with the settings to distill-mnist.json; the README records one run.'],
});
