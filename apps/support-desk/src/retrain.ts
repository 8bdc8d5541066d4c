// `pnpm retrain`: the training of `pnpm start` with the feedback log's corrected queries added to
// the training part (validation and test stay BANKING77's). `--help` lists the flags.
import { runCommand } from './command-line.js';
import { retrainCommand, runOptions } from './options.js';

await runCommand(retrainCommand, async (parsed) => {
  const options = runOptions(parsed);
  const { trainAndSave } = await import('./run.js');
  const { report, out } = await trainAndSave(options, parsed.values.threads);
  console.log(
    `Saved ${out}/model.loom${report.blend ? ', cnn.loom' : ''} and bundle.json, trained with ${report.queries.feedback} corrected ${report.queries.feedback === 1 ? 'query' : 'queries'} from ${options.feedback} (test accuracy ${(100 * (report.blend ?? report.loom).accuracy).toFixed(2)}%). Next: restart pnpm serve --model ${out}`,
  );
});
