// `pnpm check`: the conditioning check alone on a saved model, for one or several --guidance
// values (one judge, trained as `start` trains it).
import { runCommand } from './command-line.js';
import { checkCommand, checkOptions } from './options.js';

await runCommand(checkCommand, async (parsed) => {
  const options = checkOptions(parsed);
  // Loaded once the flags are read, so that --help and a mistyped flag answer at once.
  const { initWasm } = await import('@loom-ml/wasm');
  const { runCheck } = await import('./check.js');
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const wasm = await initWasm({ threads: options.threads });
  log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s).`);
  try {
    const report = await runCheck(options, log);
    const best = report.results.reduce((a, b) => (b.overall > a.overall ? b : a));
    console.log(`Wrote ${report.reportPath} (judge ${(100 * report.classifier.testAccuracy).toFixed(1)}%; best: guidance ${best.guidance}, ${(100 * best.overall).toFixed(1)}% judged as asked).`);
  } finally {
    await wasm.dispose();
  }
});
