// The body of `pnpm start`, `pnpm full` and `pnpm retrain`: load BANKING77 (and the feedback
// log), run the experiment, save the model, the report and the curve, print the results and a
// few replies. Loaded once the flags are read (the scripts import it dynamically).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BANKING77_INTENTS } from '@loom-ml/datasets';
import { loadBanking77 } from '@loom-ml/datasets/node';
import { initWasm } from '@loom-ml/wasm';
import type { KnowledgeBase } from './assistant.js';
import { saveBundle } from './bundle-files.js';
import { startStep } from './command-line.js';
import { coveragePage } from './curve-page.js';
import { pct, runExperiment, shipped, type ModelResult, type Report } from './experiment.js';
import { readFeedback } from './feedback.js';
import { DEFAULT_MODEL_SETTINGS } from './intent-model.js';
import { assistantFromFiles } from './model-bundle.js';
import type { RunOptions } from './options.js';
import { DEFAULT_CNN_SETTINGS } from './word-cnn.js';

/** Queries the demo answers at the end (the first three from the test split's style, one off-topic). */
export const EXAMPLE_QUERIES = ['My card still has not arrived, it has been two weeks.', 'How do I put money on my account with Apple Pay?', 'I think someone used my card in a shop I have never been to', 'What is the weather like tomorrow?'];

export async function trainAndSave(options: RunOptions, threads: number | 'auto'): Promise<{ report: Report; out: string }> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const wasm = await initWasm({ threads, onNotice: () => {} });
  try {
    const loading = startStep('Loading BANKING77', { quiet: options.quiet });
    const [train, test] = await Promise.all([loadBanking77({ split: 'train' }), loadBanking77({ split: 'test' })]);
    const feedback = options.feedback === undefined ? undefined : await readFeedback(options.feedback, BANKING77_INTENTS);
    loading.end(`${train.texts.length} training and ${test.texts.length} test queries${feedback ? `; ${feedback.texts.length} from ${options.feedback}${feedback.skipped > 0 ? ` (${feedback.skipped} unusable lines skipped)` : ''}` : ''}`);
    log(`Backend: ${wasm.backendName}, ${wasm.threads} thread(s).`);
    const knowledgeBase = JSON.parse(await readFile(new URL('./knowledge-base.json', import.meta.url), 'utf8')) as KnowledgeBase;
    const { report, bundle, modelBytes, cnnBytes } = await runExperiment(
      { intents: train.intents, train, test, ...(feedback ? { feedback } : {}) },
      {
        settings: { ...DEFAULT_MODEL_SETTINGS, dim: options.dim, members: options.members, epochs: options.epochs, batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed },
        validationShare: options.validationShare,
        targetAccuracy: options.targetAccuracy,
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        fewShot: options.fewShot,
        knowledgeBase,
        cnn: { ...DEFAULT_CNN_SETTINGS, epochs: options.cnnEpochs, seed: options.seed },
      },
      log,
    );
    await mkdir(options.out, { recursive: true });
    await saveBundle(options.out, bundle, modelBytes, cnnBytes);
    await writeFile(join(options.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(options.out, 'curve.html'), coveragePage(report));
    log(`\n${resultsTable(report)}`);
    if (!options.quiet) {
      const { assistant } = assistantFromFiles(JSON.parse(JSON.stringify(bundle)), modelBytes, options.out, cnnBytes);
      log('\nExample replies:');
      for (const [i, reply] of assistant.reply(EXAMPLE_QUERIES).entries()) {
        const head = reply.kind === 'answer' ? `answer (${reply.intent}, ${pct(reply.confidence)}): ${reply.answer?.title}` : `hand-off to a person (${pct(reply.confidence)} < ${pct(reply.threshold)}); did you mean: ${reply.didYouMean.map((g) => `${g.intent} ${pct(g.confidence)}`).join(', ')}`;
        log(`  "${EXAMPLE_QUERIES[i]}"\n    -> ${head}\n       similar: "${reply.similar[0]?.text.trim()}" (${reply.similar[0]?.intent})`);
      }
      assistant.dispose();
    }
    return { report, out: options.out };
  } finally {
    await wasm.dispose();
  }
}

const row = (name: string, r: ModelResult) => `| ${name} | ${pct(r.validationAccuracy)} | ${pct(r.accuracy)} | ${pct(r.macroF1)} | ${r.trainingSeconds.toFixed(1)} s |`;

/** The results as the README's Markdown tables. */
export function resultsTable(report: Report): string {
  const { calibration: c } = report;
  const lines = [
    `| model (${report.queries.train} training queries) | validation accuracy | test accuracy | test macro-F1 | training time |`,
    '| --- | ---: | ---: | ---: | ---: |',
    row('Loom embedding bag', report.loom),
    ...(report.cnn && report.blend ? [row('Loom word CNN', report.cnn), row(`Loom blend (CNN weight ${report.blend.weight}, chosen on validation)`, report.blend)] : []),
    row('TF-IDF + logistic regression', report.baseline),
  ];
  if (report.fewShot) {
    lines.push(row(`Loom, ${report.fewShot.perIntent} per intent`, report.fewShot.loom), row(`baseline, ${report.fewShot.perIntent} per intent`, report.fewShot.baseline));
  }
  lines.push(
    '',
    `Calibration (${report.blend ? 'the blend' : 'Loom'}): temperature ${c.temperature.toFixed(3)}; ECE (15 bins) validation ${pct(c.eceBefore.validation)} -> ${pct(c.eceAfter.validation)}, test ${pct(c.eceBefore.test)} -> ${pct(c.eceAfter.test)}.`,
    `Hand-off threshold ${c.threshold.toFixed(3)} (validation: ${pct(c.validation.coverage)} answered at ${pct(c.validation.accuracy)}); test: ${pct(c.test.coverage)} answered automatically at ${pct(c.test.accuracy)} accuracy.`,
    '',
    `Worst intents by test F1 (${report.blend ? 'the blend' : 'Loom'}): ${shipped(report).worst.map((w) => `${w.intent} ${w.f1.toFixed(2)}`).join(', ')}.`,
    `Worst intents by test F1 (baseline): ${report.baseline.worst.map((w) => `${w.intent} ${w.f1.toFixed(2)}`).join(', ')}.`,
  );
  return lines.join('\n');
}
