import { retrainCommand, serveCommand, startCommand } from '../src/options.js';
import { checkCommandLines } from './command-line-checks.js';

checkCommandLines(new URL('..', import.meta.url), [
  { script: 'start', command: startCommand, badValue: ['--epochs', '-1'] },
  { script: 'full', command: startCommand, badValue: ['--target-accuracy', '2'] },
  { script: 'retrain', command: retrainCommand, badValue: ['--validation-share', '0.9'] },
  { script: 'serve', command: serveCommand, badValue: ['--port', '99999'] },
]);
