// A small real bundle for the server and page tests: both models trained through the same
// runExperiment as pnpm start, on 5 queries per intent for 3 epochs on the WASM backend (seconds),
// with a small word CNN blended in (2 epochs), so the server, fuzz and page tests serve the blend.
// The threshold is then set to the median confidence of the test queries used, so that about
// half of them are answered and half handed off.
import { readFileSync } from 'node:fs';
import { loadBanking77 } from '@loom-ml/datasets/node';
import { initWasm } from '@loom-ml/wasm';
import type { KnowledgeBase } from '../src/assistant.js';
import { runExperiment } from '../src/experiment.js';
import { DEFAULT_CNN_SETTINGS } from '../src/word-cnn.js';
import { assistantFromFiles } from '../src/model-bundle.js';

export async function fixtureBundle() {
  await initWasm({ threads: 1, onNotice: () => {} });
  const [train, test] = await Promise.all([loadBanking77({ split: 'train' }), loadBanking77({ split: 'test' })]);
  const knowledgeBase = JSON.parse(readFileSync(new URL('../src/knowledge-base.json', import.meta.url), 'utf8')) as KnowledgeBase;
  const small = { texts: test.texts.slice(0, 200), labels: test.labels.slice(0, 200) };
  const { report, bundle, modelBytes, cnnBytes } = await runExperiment(
    { intents: train.intents, train: { texts: train.texts.slice(0, 3000), labels: train.labels.slice(0, 3000) }, test: small },
    { settings: { dim: 16, dropout: 0, epochs: 3, batchSize: 32, learningRate: 0.03, seed: 7, members: 2 }, validationShare: 0.05, targetAccuracy: 0.9, limit: 77 * 5, fewShot: false, knowledgeBase,
      cnn: { ...DEFAULT_CNN_SETTINGS, epochs: 2, batchSize: 32, learningRate: 0.01, length: 16, dim: 8, filters: 16, minCount: 1, seed: 7 } },
    () => {},
  );
  if (cnnBytes === undefined || bundle.cnn === undefined) throw new Error('The fixture bundle should blend a word CNN.');
  const first = assistantFromFiles(JSON.parse(JSON.stringify(bundle)), modelBytes, 'fixture', cnnBytes).assistant;
  const confidences = first.reply(small.texts).map((r) => r.confidence).sort((a, b) => a - b);
  first.dispose();
  bundle.threshold = confidences[Math.floor(confidences.length / 2)]!;
  const bundleText = JSON.stringify(bundle);
  const { assistant } = assistantFromFiles(JSON.parse(bundleText), modelBytes, 'fixture', cnnBytes);
  return { report, bundle, bundleText, modelBytes, cnnBytes, assistant, test: small };
}
