// `pnpm score "what a wonderful film"`: prints the probability that each review is positive,
// using the model and tokenizer a training run saved under runs/.
import { initWasm } from '@loom-ml/wasm';
import { parseScoreOptions, UsageError } from './options.js';
import { loadScorer, positiveProbabilities } from './score.js';
import { artifactPaths } from './train-model.js';

async function main(): Promise<void> {
  const options = parseScoreOptions(process.argv.slice(2));
  const wasm = await initWasm({ threads: 1 });
  try {
    const { modelPath, tokenizerPath } = artifactPaths(options.outDir, options.model);
    const scorer = await loadScorer(modelPath, tokenizerPath).catch((error: unknown) => {
      throw new UsageError(`No trained ${options.model} model in ${options.outDir}/ (${error instanceof Error ? error.message : String(error)}). Train one first: pnpm --filter @loom-ml/app-sentiment start --model ${options.model}`);
    });
    positiveProbabilities(scorer, options.texts).forEach((p, i) => console.log(`${p.toFixed(4)}  ${options.texts[i]}`));
    scorer.model.dispose();
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
