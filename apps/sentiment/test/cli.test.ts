import { compressCommand } from '../src/compress-options.js';
import { explainEvalCommand } from '../src/explain-eval-options.js';
import { scoreCommand, trainCommand } from '../src/options.js';
import { checkCommandLines } from './command-line-checks.js';

checkCommandLines(new URL('..', import.meta.url), [
  { script: 'start', command: trainCommand, badValue: ['--epochs', '-1'] },
  { script: 'full', command: trainCommand, badValue: ['--max-length', '0'] },
  { script: 'score', command: scoreCommand, badValue: ['--model', 'gpt'] },
  { script: 'compress', command: compressCommand, badValue: ['--test-limit', '1'] },
  { script: 'explain-eval', command: explainEvalCommand, badValue: ['--words', '0'] },
]);
