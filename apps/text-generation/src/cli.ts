// `pnpm start`: trains a small GPT on IMDB reviews on the WASM backend, compares it with a
// Kneser-Ney n-gram, checks that <pos> and <neg> ask for what they should, prints samples and
// saves the model. `--help` lists the flags; `pnpm full` (`--full`) is the recorded run.
import { runCommand } from './command-line.js';
import { trainCommand, trainOptions } from './options.js';

await runCommand(trainCommand, async (parsed) => {
  const options = trainOptions(parsed);
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { formatReport, runTraining } = await import('./run.js');
  const { pageModelDir } = await import('./artifacts.js');
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const wasm = await initWasm({ threads: options.threads });
  log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s).`);
  try {
    const { report, model, paths } = await runTraining(options, log, pageModelDir(options.outDir));
    model.dispose();
    log(formatReport(report));
    const out = options.outDir === 'runs' ? '' : ` --out ${options.outDir}`;
    console.log(`Saved ${paths.modelPath}, ${paths.tokenizerPath} and ${paths.reportPath} (GPT ${report.gpt.bitsPerByte.toFixed(3)} vs ${report.ngram.order}-gram ${report.ngram.bitsPerByte.toFixed(3)} bits per byte). Next: pnpm --filter @loom-ml/app-text-generation generate${out} --sentiment neg "The plot"`);
  } finally {
    await wasm.dispose();
  }
});
