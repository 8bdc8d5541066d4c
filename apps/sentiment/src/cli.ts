// `pnpm start`: trains a sentiment model on IMDB reviews with Loom on the WASM backend and
// reports test accuracy. `--help` lists the flags; `pnpm full` trains both models on all data.
import { loadImdb } from '@loom-ml/datasets/node';
import { initWasm } from '@loom-ml/wasm';
import { parseTrainOptions, UsageError } from './options.js';
import { saveArtifacts, trainOnTexts } from './train-model.js';

async function main(): Promise<void> {
  const options = parseTrainOptions(process.argv.slice(2));
  const wasm = await initWasm({ threads: options.threads });
  const started = performance.now();
  try {
    const [train, test] = await Promise.all([loadImdb({ split: 'train', limit: options.limit }), loadImdb({ split: 'test', limit: options.testLimit })]);
    console.log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s). ${options.model.toUpperCase()} for ${options.epochs} epoch(s) on ${train.texts.length} IMDB reviews (${options.maxLength} words each, ${options.maxWords} word ids); testing on ${test.texts.length}.`);
    const result = await trainOnTexts(options, train, test, { quiet: false });
    console.log(result.model.summary());
    const paths = await saveArtifacts(options.outDir, options.model, result, options.maxLength);
    console.log(`\nTest accuracy (${options.model}): ${(100 * result.testAccuracy).toFixed(2)}%   test loss: ${result.testLoss.toFixed(4)}   (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    console.log(`Saved ${paths.modelPath} and ${paths.tokenizerPath}. Try: pnpm --filter @loom-ml/app-sentiment score --model ${options.model} "what a wonderful film"`);
    result.model.dispose();
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
