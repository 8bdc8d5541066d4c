// `pnpm explain-eval`: the deletion test of the word contributions `score --explain` shows.
// `--help` lists the flags.
import { loadavg } from 'node:os';
import { CommandError, runCommand, startStep } from './command-line.js';
import { explainEvalCommand } from './explain-eval-options.js';

await runCommand(explainEvalCommand, async ({ values }) => {
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { loadImdb } = await import('@loom-ml/datasets/node');
  const { initWasm } = await import('@loom-ml/wasm');
  const { deletionExperiment } = await import('./explain.js');
  const { loadScorer } = await import('./score.js');
  const { artifactPaths } = await import('./train-model.js');

  const { quiet } = values;
  const loadBefore = loadavg();
  const started = performance.now();
  const wasm = await initWasm({ threads: values.threads });
  try {
    const { modelPath, tokenizerPath } = artifactPaths(values.out, values.model);
    const scorer = await loadScorer(modelPath, tokenizerPath).catch((error: unknown) => {
      throw new CommandError(`No trained ${values.model} model in ${values.out}/ (${error instanceof Error ? error.message : String(error)}). Train one first: pnpm --filter @loom-ml/app-sentiment start --model ${values.model}`);
    });
    try {
      const test = await loadImdb({ split: 'test', limit: values.reviews });
      const step = startStep(`Explaining ${test.texts.length} test reviews (${values.steps} steps) and deleting ${values.words} words from each`, { quiet });
      const result = deletionExperiment(scorer, test.texts, { words: values.words, seed: values.seed, steps: values.steps });
      step.end(`${result.reviews} reviews`);
      const n = values.words;
      console.log(
        [
          `${new Date().toISOString().slice(0, 10)}, ${values.model}, ${result.reviews} IMDB test reviews (those with >= ${n} words), ${values.steps} steps, seed ${values.seed}, ${wasm.backendName} ${wasm.threads} thread(s), ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${loadBefore.map((v) => v.toFixed(1)).join(' ')}`,
          `delete the top-${n} attributed words: predicted-class probability falls by ${result.topDrop.toFixed(4)} on average (|change| ${result.topAbsolute.toFixed(4)})`,
          `delete ${n} random words:            predicted-class probability falls by ${result.randomDrop.toFixed(4)} on average (|change| ${result.randomAbsolute.toFixed(4)})`,
          `top-${n} moved the score more than random-${n} on ${result.topWins} of ${result.reviews} reviews; largest |completeness gap| ${result.largestGap.toExponential(1)}`,
        ].join('\n'),
      );
    } finally {
      scorer.model.dispose();
    }
  } finally {
    await wasm.dispose();
  }
});
