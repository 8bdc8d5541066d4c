import { abuseCommand, loadtestCommand, serveCommand, startCommand } from '../src/cli-options.js';
import { checkCommandLines } from './command-line-checks.js';

checkCommandLines(new URL('..', import.meta.url), [
  { script: 'start', command: startCommand, badValue: ['--port', '99999'] },
  { script: 'full', command: startCommand, badValue: ['--target-precision', '2'] },
  { script: 'serve', command: serveCommand, badValue: ['--port', '99999'] },
  { script: 'loadtest', command: loadtestCommand, badValue: ['--concurrency', '0'] },
  { script: 'abuse', command: abuseCommand, badValue: ['--duration', '-1'] },
]);
