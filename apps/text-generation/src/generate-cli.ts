// `pnpm generate "This movie"`: continues a prompt with the GPT a training run saved, printing
// each piece of text as soon as its token is chosen.
import { CommandError, runCommand } from './command-line.js';
import { generateCommand, generateOptions } from './options.js';

await runCommand(generateCommand, async (parsed) => {
  const options = generateOptions(parsed);
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { generate } = await import('@loom-ml/layers');
  const { artifactPaths, loadArtifacts } = await import('./artifacts.js');
  const { promptIds } = await import('./prompt.js');
  const { generateBatch } = await import('./sample.js');

  const wasm = await initWasm({ threads: 1 });
  try {
    const paths = artifactPaths(options.outDir);
    const modelPath = options.modelPath ?? paths.modelPath;
    const { model, tokenizer } = await loadArtifacts(modelPath, paths.tokenizerPath).catch((error: unknown) => {
      throw new CommandError(`No trained model in ${options.modelPath ?? `${options.outDir}/`} (${error instanceof Error ? error.message : String(error)}). Train one first: pnpm --filter @loom-ml/app-text-generation start`);
    });
    const ids = promptIds(tokenizer, options.prompt, options.sentiment);
    const decoder = tokenizer.decoder({ skipSpecial: true });
    // With reranking the prompt is printed after the guide's line (stderr), with the chosen review.
    if (options.rerank === 1) process.stdout.write(options.prompt);
    const stop = tokenizer.specialId('<eos>');
    // The app's batch sampler (guidance, reranking): the prompt with the opposite sentiment token
    // in the same batch; the window keeps the sentiment token when it moves on.
    const opposite = promptIds(tokenizer, options.prompt, options.sentiment === 'pos' ? 'neg' : 'pos');
    const rows = (n: number) => ({ prompts: Array.from({ length: n }, () => ids), oppositePrompts: Array.from({ length: n }, () => opposite) });
    const batchOptions = { guidance: options.guidance, maxNewTokens: options.maxTokens, temperature: options.temperature, topK: options.topK, topP: options.topP, repetitionPenalty: options.repetitionPenalty, stopId: stop, seed: options.seed, keepPrefix: 1 };
    let count = 0;
    if (options.rerank > 1) {
      // Best-of-N: N continuations in one batch (with the guidance asked for), then the one the
      // guide finds most likely to have the asked-for sentiment.
      const { loadImdb } = await import('@loom-ml/datasets/node');
      const { pickBest, SentimentGuide } = await import('./guide.js');
      const { cleanReview } = await import('./corpus.js');
      const started = performance.now();
      const reviews = await loadImdb({ split: 'train', limit: options.guideLimit });
      const guide = SentimentGuide.train(reviews.texts.map(cleanReview), reviews.labels, { seed: options.seed });
      process.stderr.write(`Guide: logistic regression on ${guide.features.length.toLocaleString('en-US')} word unigrams and bigrams of ${reviews.texts.length} training reviews (${((performance.now() - started) / 1000).toFixed(1)} s); writing ${options.rerank} candidates.\n`);
      const { prompts, oppositePrompts } = rows(options.rerank);
      const outputs = await generateBatch(model, prompts, { ...batchOptions, oppositePrompts });
      const candidates = outputs.map((row) => [options.prompt + tokenizer.decode(row, { skipSpecial: true })]);
      const best = outputs[pickBest(candidates, [options.sentiment === 'pos'], (text) => guide.logOdds(text))[0]!]!;
      count = best.length;
      process.stdout.write(options.prompt);
      for (const id of best) process.stdout.write(decoder.write(id));
    } else if (options.guidance === 0) {
      // keepPrefix 1: the sentiment token stays first in the window when it moves on.
      for await (const id of generate(model, ids, { maxNewTokens: options.maxTokens, temperature: options.temperature, topK: options.topK, topP: options.topP, repetitionPenalty: options.repetitionPenalty, stopTokens: [stop], seed: options.seed, keepPrefix: 1 })) {
        count++;
        process.stdout.write(decoder.write(id));
      }
    } else {
      // Contrastive guidance, streamed.
      const { prompts, oppositePrompts } = rows(1);
      await generateBatch(model, prompts, {
        ...batchOptions,
        oppositePrompts,
        onToken: (_row, id) => {
          count++;
          process.stdout.write(decoder.write(id));
        },
      });
    }
    process.stdout.write(`${decoder.end()}\n`);
    model.dispose();
    const out = options.outDir === 'runs' ? '' : ` --out ${options.outDir}`;
    console.log(`Generated ${count} tokens with ${modelPath}. Next: pnpm --filter @loom-ml/app-text-generation generate${out} --sentiment ${options.sentiment === 'pos' ? 'neg' : 'pos'} "${options.prompt}"`);
  } finally {
    await wasm.dispose();
  }
});
