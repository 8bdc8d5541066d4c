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
    // Every run reads the same reviews (the limits are shared). With --validation the last
    // reviews of the training prefix are held out and the test reviews are not read at all.
    const { limit, testLimit, validation } = runs[0]!;
    const loading = startStep('Loading IMDB reviews', { quiet });
    const [all, test] = await Promise.all([loadImdb({ split: 'train', limit }), validation > 0 ? undefined : loadImdb({ split: 'test', limit: testLimit })]);
    const cut = all.texts.length - validation;
    const train = validation > 0 ? { texts: all.texts.slice(0, cut), labels: Array.from(all.labels).slice(0, cut) } : all;
    const heldOut = test ?? { texts: all.texts.slice(cut), labels: Array.from(all.labels).slice(cut) };
    const heldOutName = validation > 0 ? 'validation' : 'test';
    loading.end(`${train.texts.length} training and ${heldOut.texts.length} ${heldOutName} reviews`);
    for (const options of runs) {
      log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s). ${options.model.toUpperCase()} for ${options.epochs} epoch(s) on ${train.texts.length} IMDB reviews (${options.maxLength} words each, ${options.maxWords} word ids); ${heldOutName} on ${heldOut.texts.length}.`);
      const runStarted = performance.now();
      const result = await trainOnTexts(options, train, heldOut, { quiet, validation: validation > 0 });
      log(result.model.summary());
      const seconds = `${((performance.now() - runStarted) / 1000).toFixed(0)} s for this model, ${((performance.now() - started) / 1000).toFixed(0)} s in all`;
      if (validation > 0) {
        const scores = result.validationAccuracies;
        const best = scores.indexOf(Math.max(...scores));
        log(`\nValidation accuracy (${options.model}) by epoch: ${scores.map((a) => `${(100 * a).toFixed(2)}%`).join(', ')}; best after epoch ${best + 1}   (${seconds})`);
        written.push(`${options.model} ${(100 * scores[best]!).toFixed(2)}% after epoch ${best + 1}`);
      } else {
        const paths = await saveArtifacts(options.outDir, options.model, result, options.maxLength);
        log(`\nTest accuracy (${options.model}): ${(100 * result.testAccuracy).toFixed(2)}%   test loss: ${result.testLoss.toFixed(4)}   (${seconds})`);
        written.push(`${paths.modelPath} and ${paths.tokenizerPath} (test accuracy ${(100 * result.testAccuracy).toFixed(2)}%)`);
      }
      result.model.dispose();
    }
  } finally {
    await wasm.dispose();
  }
  if (runs[0]!.validation > 0) {
    console.log(`Validation run (nothing saved, no test review read); best validation accuracy: ${written.join('; ')}.`);
    return;
  }
  const last = runs[runs.length - 1]!;
  console.log(`Saved ${written.join('; ')}. Next: pnpm --filter @loom-ml/app-sentiment score --model ${last.model}${last.outDir === 'runs' ? '' : ` --out ${last.outDir}`} "what a wonderful film"`);
});
