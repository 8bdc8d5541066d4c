import { abuseCommand, recommendCommand, serveCommand, startCommand } from '../src/cli-args.js';
import { checkCommandLines } from './command-line-checks.js';

checkCommandLines(new URL('..', import.meta.url), [
  { script: 'start', command: startCommand, badValue: ['--seed', '-1'] },
  { script: 'full', command: startCommand, badValue: ['--threads', 'lots'] },
  { script: 'recommend', command: recommendCommand, badValue: ['--k', '0'] },
  { script: 'serve', command: serveCommand, badValue: ['--port', '99999'] },
  { script: 'abuse', command: abuseCommand, badValue: ['--duration', '0'] },
]);
