// `pnpm score "what a wonderful film"`: prints the probability that each review is positive,
// using the model and tokenizer a training run saved under runs/; with --explain, each word's
// contribution too.
import { CommandError, runCommand } from './command-line.js';
import { scoreCommand, scoreOptions } from './options.js';

await runCommand(scoreCommand, async (parsed) => {
  const options = scoreOptions(parsed);
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { loadScorer, positiveProbabilities } = await import('./score.js');
  const { artifactPaths } = await import('./train-model.js');

  const wasm = await initWasm({ threads: 1 });
  try {
    const { modelPath, tokenizerPath } = artifactPaths(options.outDir, options.model);
    const scorer = await loadScorer(modelPath, tokenizerPath).catch((error: unknown) => {
      throw new CommandError(`No trained ${options.model} model in ${options.outDir}/ (${error instanceof Error ? error.message : String(error)}). Train one first: pnpm --filter @loom-ml/app-sentiment start --model ${options.model}`);
    });
    if (options.explain && (scorer.bigramBuckets ?? 0) > 0) {
      scorer.model.dispose();
      throw new CommandError(`--explain shows each word's share of the score, and the ${options.model} model also reads word pairs: explain the lstm or transformer model instead (pnpm score --explain --model lstm ...).`);
    }
    if (options.explain) {
      const { explainReviews, formatExplanation } = await import('./explain.js');
      const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
      for (const review of explainReviews(scorer, options.texts)) console.log(formatExplanation(review, { colour }));
    } else {
      positiveProbabilities(scorer, options.texts).forEach((p, i) => console.log(`${p.toFixed(4)}  ${options.texts[i]}`));
    }
    scorer.model.dispose();
  } finally {
    await wasm.dispose();
  }
});
