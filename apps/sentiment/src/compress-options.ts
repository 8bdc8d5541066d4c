// The command of `pnpm compress` and its flags (src/command-line.ts's convention), kept apart
// from the script so `--help` answers at once.
import { choice, defineCommand, integer, outFlag, quietFlag, threadsFlag } from './command-line.js';

/** `pnpm compress`. */
export const compressCommand = defineCommand({
  name: 'pnpm compress',
  summary:
    'Saves the models pnpm start (or pnpm full) trained as float32, int8 (per channel) and float16, loads each file back and measures its size and test accuracy.',
  flags: {
    model: choice(['both', 'lstm', 'transformer'], { description: 'which saved model to measure', default: 'both' }),
    'test-limit': integer({ description: 'test reviews evaluated (a balanced prefix of the 25,000)', default: 25_000, min: 2, max: 25_000 }),
    threads: threadsFlag(),
    out: outFlag('runs', 'the folder pnpm start --out wrote to; the quantised models and compress-imdb.json (-lstm.json, -transformer.json for one model) go there too'),
    quiet: quietFlag(),
  },
  examples: ['pnpm compress', 'pnpm compress --model transformer --test-limit 5000'],
  notes: ['Prints a Markdown table with the date and load average, and writes it to compress-imdb.json; the README records one run.'],
});
