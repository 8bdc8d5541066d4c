// What each command line trains: `start` is the quick demo (the bag alone), `full` and `retrain`
// add the word CNN blend, and a flag given beside --full still wins.
import { expect, it } from 'vitest';
import { parseCommandLine } from './command-line.js';
import { retrainCommand, runOptions, startCommand } from './options.js';

const start = (argv: string[]) => {
  const parsed = parseCommandLine(startCommand, argv);
  if (parsed === 'help') throw new Error('unexpected --help');
  return runOptions(parsed);
};

it('trains the word CNN in full and retrain, not in the quick start', () => {
  expect(start([])).toMatchObject({ epochs: 3, cnnEpochs: 0, fewShot: false });
  expect(start(['--full'])).toMatchObject({ epochs: 5, cnnEpochs: 10, fewShot: true });
  expect(start(['--full', '--cnn-epochs', '0'])).toMatchObject({ epochs: 5, cnnEpochs: 0 });
  expect(start(['--cnn-epochs', '4'])).toMatchObject({ epochs: 3, cnnEpochs: 4 });
  const retrain = parseCommandLine(retrainCommand, []);
  if (retrain === 'help') throw new Error('unexpected --help');
  expect(runOptions(retrain)).toMatchObject({ epochs: 3, cnnEpochs: 10, feedback: 'runs/feedback.jsonl' });
});
