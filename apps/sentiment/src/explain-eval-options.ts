// The command of `pnpm explain-eval` and its flags (src/command-line.ts's convention), kept apart
// from the script so `--help` answers at once.
import { choice, defineCommand, integer, outFlag, quietFlag, seedFlag, threadsFlag } from './command-line.js';

/** `pnpm explain-eval`. */
export const explainEvalCommand = defineCommand({
  name: 'pnpm explain-eval',
  summary:
    "Checks score --explain's word contributions with a deletion test on IMDB test reviews: deleting each review's top attributed words should move its score more than deleting as many random words.",
  flags: {
    model: choice(['lstm', 'transformer'], { description: 'which trained model to explain', default: 'lstm' }),
    reviews: integer({ description: 'test reviews (a balanced prefix of the 25,000)', default: 500, min: 2, max: 25_000 }),
    words: integer({ description: 'words deleted from each review', default: 5, min: 1, max: 100 }),
    steps: integer({ description: 'integrated-gradients steps', default: 32, min: 1, max: 1000 }),
    seed: seedFlag(),
    threads: threadsFlag(),
    out: outFlag('runs', 'the folder pnpm start --out wrote to'),
    quiet: quietFlag(),
  },
  examples: ['pnpm explain-eval', 'pnpm explain-eval --model transformer --reviews 1000'],
  notes: ['Prints both mean score changes with the date and load average; the README records one run.'],
});
