// `pnpm compress`: the saved LSTM and Transformer stored as float32, int8 and float16, each file
// loaded back and evaluated on the test reviews. `--help` lists the flags.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CommandError, runCommand, startStep } from './command-line.js';
import { compressCommand } from './compress-options.js';

await runCommand(compressCommand, async ({ values }) => {
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const tf = await import('@tensorflow/tfjs-core');
  const { loadImdb } = await import('@loom-ml/datasets/node');
  const { binaryCrossentropy } = await import('@loom-ml/losses');
  const { initWasm } = await import('@loom-ml/wasm');
  const { formatStorageTable, measureStorage } = await import('./compression.js');
  const { toTensors } = await import('./data.js');
  const { loadScorer } = await import('./score.js');
  const { artifactPaths, evaluateInChunks } = await import('./train-model.js');

  const { quiet } = values;
  const log = quiet ? () => {} : (line: string) => console.log(line);
  const kinds = values.model === 'both' ? (['lstm', 'transformer'] as const) : ([values.model] as const);
  const started = performance.now();
  const loadBefore = loadavg();
  const wasm = await initWasm({ threads: values.threads });
  const tables: { name: string; rows: Awaited<ReturnType<typeof measureStorage>> }[] = [];
  const models: Record<string, unknown>[] = [];
  try {
    log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s).`);
    const loading = startStep('Loading the IMDB test reviews', { quiet });
    const test = await loadImdb({ split: 'test', limit: values['test-limit'] });
    loading.end(`${test.texts.length} test reviews`);
    for (const kind of kinds) {
      const { modelPath, tokenizerPath } = artifactPaths(values.out, kind);
      let scorer;
      try {
        scorer = await loadScorer(modelPath, tokenizerPath);
      } catch (error) {
        throw new CommandError(`No trained ${kind} model in ${values.out}/ (${error instanceof Error ? error.message : String(error)}). Train one first: pnpm --filter @loom-ml/app-sentiment start --model ${kind}`);
      }
      const data = toTensors(scorer.tokenizer, test.texts, test.labels, scorer.maxLength);
      try {
        const measuring = startStep(`${kind.toUpperCase()}: saving as float32, int8 and float16 and evaluating each file`, { quiet });
        let done = 0;
        const rows = await measureStorage(scorer.model, async (model) => {
          const step = { update: (count: number, total: number) => measuring.update(done * total + count, 3 * total) };
          const { accuracy } = await evaluateInChunks(model, data, binaryCrossentropy(), step);
          done += 1;
          return accuracy;
        });
        measuring.end(rows.map((row) => `${row.format} ${(100 * row.accuracy).toFixed(2)}%`).join(', '));
        for (const row of rows) if (row.format !== 'float32') await writeFile(join(values.out, `sentiment-${kind}-${row.format}.loom`), row.file);
        tables.push({ name: kind === 'lstm' ? 'LSTM' : 'Transformer', rows });
        models.push({ model: kind, maxLength: scorer.maxLength, vocabularySize: scorer.tokenizer.vocabularySize, parameters: scorer.model.countParams(), stored: rows.map(({ file: _file, ...row }) => row) });
      } finally {
        tf.dispose([data.x, data.y]);
        scorer.model.dispose();
      }
    }
  } finally {
    await wasm.dispose();
  }
  const loadAfter = loadavg();
  const round = (numbers: number[]) => numbers.map((v) => +v.toFixed(2));
  const seconds = +((performance.now() - started) / 1000).toFixed(1);
  const markdown = formatStorageTable(tables);
  const path = join(values.out, values.model === 'both' ? 'compress-imdb.json' : `compress-imdb-${values.model}.json`);
  await writeFile(
    path,
    `${JSON.stringify({ date: new Date().toISOString(), backend: `${wasm.backendName}, ${wasm.threads} thread(s)`, loadAverage: { before: round(loadBefore), after: round(loadAfter) }, seconds, testReviews: values['test-limit'], models, markdown }, null, 2)}\n`,
  );
  log(`\n${markdown}`);
  log(`\n${new Date().toISOString().slice(0, 10)}, ${wasm.backendName} ${wasm.threads} thread(s); load average (1, 5, 15 min) ${round(loadBefore).join(', ')} before, ${round(loadAfter).join(', ')} after; ${seconds} s in all.`);
  console.log(`Wrote ${path} and the int8 and float16 models under ${values.out}/. Next: pnpm --filter @loom-ml/app-sentiment score --model lstm "what a wonderful film"`);
});
