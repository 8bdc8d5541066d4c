// `pnpm distill`: the CNN as teacher of a small MLP, against the same MLP trained alone, on the
// 10,000 test images. `--help` lists the flags.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './command-line.js';
import { distillCommand } from './compress-options.js';

await runCommand(distillCommand, async ({ values }) => {
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { runDistillation } = await import('./compress-runs.js');
  const log = values.quiet ? () => {} : (line: string) => console.log(line);
  const started = performance.now();
  const loadBefore = loadavg();
  const wasm = await initWasm({ threads: values.threads });
  let result;
  try {
    log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s).`);
    result = await runDistillation(
      {
        reuse: values.reuse,
        studentUnits: values['student-units'],
        epochs: values.epochs,
        temperature: values.temperature,
        alpha: values.alpha,
        limit: values.limit,
        seed: values.seed,
        outDir: values.out,
        threads: values.threads,
        quiet: values.quiet,
      },
      log,
    );
  } finally {
    await wasm.dispose();
  }
  const loadAfter = loadavg();
  const round = (values: number[]) => values.map((v) => +v.toFixed(2));
  const path = join(values.out, 'distill-mnist.json');
  const seconds = +((performance.now() - started) / 1000).toFixed(1);
  const settings = { studentUnits: values['student-units'], epochs: values.epochs, temperature: values.temperature, alpha: values.alpha, limit: values.limit ?? 60_000, seed: values.seed };
  await writeFile(
    path,
    `${JSON.stringify({ date: new Date().toISOString(), backend: `${wasm.backendName}, ${wasm.threads} thread(s)`, loadAverage: { before: round(loadBefore), after: round(loadAfter) }, seconds, settings, ...result }, null, 2)}\n`,
  );
  log(`\n${result.markdown}`);
  log(`\n${new Date().toISOString().slice(0, 10)}, ${wasm.backendName} ${wasm.threads} thread(s); load average (1, 5, 15 min) ${round(loadBefore).join(', ')} before, ${round(loadAfter).join(', ')} after; ${seconds} s in all.`);
  console.log(`Wrote ${path}: student ${(100 * result.distilled).toFixed(2)}% distilled, ${(100 * result.alone).toFixed(2)}% alone. Next: pnpm --filter @loom-ml/app-mnist compress --reuse`);
});
