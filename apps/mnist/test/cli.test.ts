import { compressCommand, distillCommand } from '../src/compress-options.js';
import { trainCommand } from '../src/options.js';
import { checkCommandLines } from './command-line-checks.js';

checkCommandLines(new URL('..', import.meta.url), [
  { script: 'start', command: trainCommand, badValue: ['--epochs', '-1'] },
  { script: 'full', command: trainCommand, badValue: ['--threads', '0'] },
  { script: 'compress', command: compressCommand, badValue: ['--sparsity', '1.5'] },
  { script: 'distill', command: distillCommand, badValue: ['--alpha', '-0.1'] },
]);
