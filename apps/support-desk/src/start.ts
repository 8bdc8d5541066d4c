// `pnpm start` (and `pnpm full`, which is `pnpm start --full`): trains, evaluates and saves the
// support assistant. `--help` lists the flags.
import { runCommand } from './command-line.js';
import { runOptions, startCommand } from './options.js';

await runCommand(startCommand, async (parsed) => {
  const options = runOptions(parsed);
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { trainAndSave } = await import('./run.js');
  const { report, out } = await trainAndSave(options, parsed.values.threads);
  console.log(
    `Saved ${out}/model.loom, ${report.blend ? 'cnn.loom, ' : ''}bundle.json, report.json and curve.html (test accuracy ${(100 * (report.blend ?? report.loom).accuracy).toFixed(2)}%, ${(100 * report.calibration.test.coverage).toFixed(1)}% answered at ${(100 * report.calibration.test.accuracy).toFixed(1)}%). Next: pnpm serve --model ${out}`,
  );
});
