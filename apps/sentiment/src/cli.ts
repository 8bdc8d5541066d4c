// `pnpm start`: trains a sentiment model on IMDB reviews with Loom on the WASM backend and
// reports test accuracy. `--help` lists the flags; `pnpm full` (`--full`) trains both models on
// every review.
import { runCommand, startStep } from './command-line.js';
import { trainCommand, trainRuns } from './options.js';

await runCommand(trainCommand, async (parsed) => {
  const runs = trainRuns(parsed);
  const { quiet, threads } = parsed.values;
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { loadImdb } = await import('@loom-ml/datasets/node');
  const { initWasm } = await import('@loom-ml/wasm');
  const { saveArtifacts, trainOnTexts } = await import('./train-model.js');

  const log = quiet ? () => {} : (line: string) => console.log(line);
  const wasm = await initWasm({ threads });
  const started = performance.now();
  const written: string[] = [];
  try {
    // Every run reads the same reviews (the limits are shared).
    const loading = startStep('Loading IMDB reviews', { quiet });
    const [train, test] = await Promise.all([loadImdb({ split: 'train', limit: runs[0]!.limit }), loadImdb({ split: 'test', limit: runs[0]!.testLimit })]);
    loading.end(`${train.texts.length} training and ${test.texts.length} test reviews`);
    for (const options of runs) {
      log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s). ${options.model.toUpperCase()} for ${options.epochs} epoch(s) on ${train.texts.length} IMDB reviews (${options.maxLength} words each, ${options.maxWords} word ids); testing on ${test.texts.length}.`);
      const result = await trainOnTexts(options, train, test, { quiet });
      log(result.model.summary());
      const paths = await saveArtifacts(options.outDir, options.model, result, options.maxLength);
      log(`\nTest accuracy (${options.model}): ${(100 * result.testAccuracy).toFixed(2)}%   test loss: ${result.testLoss.toFixed(4)}   (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      written.push(`${paths.modelPath} and ${paths.tokenizerPath} (test accuracy ${(100 * result.testAccuracy).toFixed(2)}%)`);
      result.model.dispose();
    }
  } finally {
    await wasm.dispose();
  }
  const last = runs[runs.length - 1]!;
  console.log(`Saved ${written.join('; ')}. Next: pnpm --filter @loom-ml/app-sentiment score --model ${last.model}${last.outDir === 'runs' ? '' : ` --out ${last.outDir}`} "what a wonderful film"`);
});
