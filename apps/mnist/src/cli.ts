// `pnpm start`: trains a digit recogniser on MNIST with Loom on the WASM backend and reports
// test accuracy. `--help` lists the flags; `pnpm full` runs the full-accuracy training.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWasm } from '@loom-ml/wasm';
import { parseTrainOptions, UsageError } from './options.js';
import { trainAndEvaluate } from './run.js';

const webModel = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'public', 'model', 'mnist.loom');

async function main(): Promise<void> {
  const options = parseTrainOptions(process.argv.slice(2));
  const wasm = await initWasm({ threads: options.threads });
  console.log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s). Training the ${options.model.toUpperCase()} for ${options.epochs} epoch(s).`);
  try {
    const result = await trainAndEvaluate(options, (line) => console.log(line));
    await mkdir(dirname(webModel), { recursive: true });
    await copyFile(result.modelPath, webModel);
    console.log(`Done in ${result.seconds.toFixed(1)} s. Try the model in a browser: pnpm --filter @loom-ml/app-mnist web`);
  } finally {
    await wasm.dispose();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
