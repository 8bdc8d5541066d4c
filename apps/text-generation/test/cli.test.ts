import { benchCommand, checkCommand, generateCommand, trainCommand } from '../src/options.js';
import { checkCommandLines } from './command-line-checks.js';

checkCommandLines(new URL('..', import.meta.url), [
  { script: 'start', command: trainCommand, badValue: ['--epochs', '-1'] },
  { script: 'full', command: trainCommand, badValue: ['--context', '2'] },
  { script: 'generate', command: generateCommand, badValue: ['--sentiment', 'happy'] },
  { script: 'check', command: checkCommand, badValue: ['--guidance', '-1'] },
  { script: 'bench', command: benchCommand, badValue: ['--new-tokens', '0'] },
]);
