// `pnpm start`: trains a digit recogniser on MNIST with Loom on the WASM backend and reports
// test accuracy. `--help` lists the flags; `pnpm full` (`--full`) runs the full-accuracy training.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './command-line.js';
import { trainCommand, trainRuns } from './options.js';

const webModel = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'public', 'model', 'mnist.loom');

await runCommand(trainCommand, async (parsed) => {
  const runs = trainRuns(parsed);
  const { quiet, threads } = parsed.values;
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { trainAndEvaluate } = await import('./run.js');

  const log = quiet ? () => {} : (line: string) => console.log(line);
  const started = performance.now();
  const wasm = await initWasm({ threads });
  const written: string[] = [];
  try {
    for (const options of runs) {
      log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s). Training the ${options.model.toUpperCase()} for ${options.epochs} epoch(s).`);
      const result = await trainAndEvaluate(options, log, [], { quiet });
      written.push(`${result.modelPath} (test accuracy ${(100 * result.testAccuracy).toFixed(2)}%)`, result.plotPath);
      await mkdir(dirname(webModel), { recursive: true });
      await copyFile(result.modelPath, webModel);
    }
  } finally {
    await wasm.dispose();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Done in ${seconds} s: wrote ${written.join(', ')}; the page's copy is web/public/model/mnist.loom. Next: pnpm --filter @loom-ml/app-mnist web`);
});
