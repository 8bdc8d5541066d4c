// `pnpm compress`: post-training quantisation (int8, float16) and magnitude pruning of the two
// MNIST models, measured on the 10,000 test images. `--help` lists the flags.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './command-line.js';
import { compressCommand } from './compress-options.js';

await runCommand(compressCommand, async ({ values }) => {
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { runCompression } = await import('./compress-runs.js');
  const log = values.quiet ? () => {} : (line: string) => console.log(line);
  const started = performance.now();
  const loadBefore = loadavg();
  const wasm = await initWasm({ threads: values.threads });
  let report;
  try {
    log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s).`);
    report = await runCompression(
      { models: values.model === 'both' ? ['mlp', 'cnn'] : [values.model], reuse: values.reuse, sparsity: values.sparsity, pruneEpochs: values['prune-epochs'], limit: values.limit, seed: values.seed, outDir: values.out, threads: values.threads, quiet: values.quiet },
      log,
    );
  } finally {
    await wasm.dispose();
  }
  const loadAfter = loadavg();
  const round = (values: number[]) => values.map((v) => +v.toFixed(2));
  const path = join(values.out, values.model === 'both' ? 'compress-mnist.json' : `compress-mnist-${values.model}.json`);
  const seconds = +((performance.now() - started) / 1000).toFixed(1);
  await writeFile(
    path,
    `${JSON.stringify({ date: new Date().toISOString(), backend: `${wasm.backendName}, ${wasm.threads} thread(s)`, loadAverage: { before: round(loadBefore), after: round(loadAfter) }, seconds, settings: { model: values.model, reuse: values.reuse, sparsity: values.sparsity, pruneEpochs: values['prune-epochs'], limit: values.limit ?? 60_000, seed: values.seed }, ...report }, null, 2)}\n`,
  );
  log(`\n${report.markdown}`);
  log(`\n${new Date().toISOString().slice(0, 10)}, ${wasm.backendName} ${wasm.threads} thread(s); load average (1, 5, 15 min) ${round(loadBefore).join(', ')} before, ${round(loadAfter).join(', ')} after; ${seconds} s in all.`);
  console.log(`Wrote ${path} and the int8, float16 and pruned ${values.model === 'both' ? 'models' : values.model.toUpperCase()} under ${values.out}/. Next: pnpm --filter @loom-ml/app-mnist distill${values.reuse ? ' --reuse' : ''}`);
});
