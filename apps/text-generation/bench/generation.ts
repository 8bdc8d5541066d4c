// `pnpm bench`: tokens per second of `generate` with the key/value cache and without it (every
// token recomputes the whole window), at 256 new tokens, and training tokens per second, for
// the model size `pnpm full` trains (weights random: speed does not depend on them). The
// measurements are interleaved round by round, so that a change in the machine's load hits
// every row alike; the load average is printed with the results.
import { loadavg } from 'node:os';
import { runCommand } from '../src/command-line.js';
import { ACTIVATION, benchCommand, FULL, OUTPUT, PREFIX } from '../src/options.js';

await runCommand(benchCommand, async ({ values }) => {
  const tf = await import('@tensorflow/tfjs-core');
  const { initWasm } = await import('@loom-ml/wasm');
  const { generate } = await import('@loom-ml/layers');
  const { buildModel } = await import('../src/model.js');
  const { trainModel } = await import('../src/train.js');

  const wasm = await initWasm({ threads: values.threads });
  const newTokens = values['new-tokens'];
  // The recorded model's width and depth, with a context long enough for the prompt and every
  // new token, so that neither path ever shifts its window.
  const context = newTokens + 8;
  const config = { vocabularySize: FULL.vocabulary, context, embeddingDim: FULL.dim, layers: FULL.layers, heads: FULL.heads, dropout: 0, activation: ACTIVATION, tiedOutput: OUTPUT === 'tied', broadcastPrefix: PREFIX === 'broadcast' };
  const generator = buildModel(config, values.seed);
  const trainable = buildModel({ ...config, context: FULL.context }, values.seed);
  const prompt = [3, 1, 100, 200, 300];
  const batchSize = 8; // pnpm full's batch
  const rows = { ids: new Int32Array(batchSize * values['train-steps'] * (FULL.context + 1)), count: batchSize * values['train-steps'], length: FULL.context + 1, targetBytes: new Float64Array(0) };
  for (let i = 0; i < rows.ids.length; i++) rows.ids[i] = 5 + ((i * 7919) % (FULL.vocabulary - 5));
  const results = { cached: [] as number[], uncached: [] as number[], training: [] as number[] };
  const timed = async (useCache: boolean) => {
    const started = performance.now();
    const ids = await generate(generator, prompt, { maxNewTokens: newTokens, temperature: 0, useCache });
    return ids.length / ((performance.now() - started) / 1000);
  };
  console.log(`Backend ${wasm.backendName}, ${wasm.threads} thread(s); GPT of ${generator.countParams().toLocaleString('en-US')} parameters (${FULL.layers} blocks, width ${FULL.dim}, ${ACTIVATION}, ${OUTPUT} output, prefix ${PREFIX}, vocabulary ${FULL.vocabulary}, context ${context}); ${newTokens} new tokens, greedy.`);
  console.log(`Load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    await timed(true); // warm-up: kernels compiled, caches filled
    for (let round = 0; round < values.rounds; round++) {
      // Alternate the order, so that neither path always runs first.
      const order = round % 2 === 0 ? [true, false] : [false, true];
      for (const useCache of order) (useCache ? results.cached : results.uncached).push(await timed(useCache));
      const trained = await trainModel(trainable, rows, { epochs: 1, batchSize, learningRate: 1e-3, seed: values.seed });
      results.training.push(trained.tokensPerSecond);
      console.log(`round ${round + 1}: cached ${results.cached.at(-1)!.toFixed(1)} tokens/s, uncached ${results.uncached.at(-1)!.toFixed(1)} tokens/s, training ${trained.tokensPerSecond.toFixed(0)} tokens/s`);
    }
  } finally {
    generator.dispose();
    trainable.dispose();
    await wasm.dispose();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = results.cached.map((c, i) => c / results.uncached[i]!);
  console.log('');
  console.log('| measurement | median of rounds | per round |');
  console.log('| --- | --- | --- |');
  console.log(`| generate, KV cache (tokens/s) | ${median(results.cached).toFixed(1)} | ${results.cached.map((x) => x.toFixed(1)).join(', ')} |`);
  console.log(`| generate, no cache (tokens/s) | ${median(results.uncached).toFixed(1)} | ${results.uncached.map((x) => x.toFixed(1)).join(', ')} |`);
  console.log(`| cache speed-up (same round) | ${median(ratios).toFixed(1)}x | ${ratios.map((x) => `${x.toFixed(1)}x`).join(', ')} |`);
  console.log(`| training, batch ${batchSize} x ${FULL.context} (tokens/s) | ${median(results.training).toFixed(0)} | ${results.training.map((x) => x.toFixed(0)).join(', ')} |`);
  console.log(`Load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${new Date().toISOString()})`);
});
