// runExperiment with a feedback log folded in and a word CNN blended in (what pnpm retrain does), on a tiny setting.
import { loadBanking77 } from '@loom-ml/datasets/node';
import { initWasm } from '@loom-ml/wasm';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { KnowledgeBase } from './assistant.js';
import { runExperiment } from './experiment.js';
import { BLEND_WEIGHTS, DEFAULT_CNN_SETTINGS } from './word-cnn.js';

it('adds the corrected queries to the training part only, keeps them as evidence, and picks the blend weight on validation', async () => {
  await initWasm({ threads: 1, onNotice: () => {} });
  const [train, test] = await Promise.all([loadBanking77({ split: 'train' }), loadBanking77({ split: 'test' })]);
  const knowledgeBase = JSON.parse(readFileSync(new URL('./knowledge-base.json', import.meta.url), 'utf8')) as KnowledgeBase;
  const feedback = { texts: ['zzqx card never came', 'zzqx where is my card'], labels: [0, 0] };
  const { report, bundle, cnnBytes } = await runExperiment(
    { intents: train.intents, train: { texts: train.texts.slice(0, 1000), labels: train.labels.slice(0, 1000) }, test: { texts: test.texts.slice(0, 50), labels: test.labels.slice(0, 50) }, feedback },
    { settings: { dim: 8, dropout: 0, epochs: 1, batchSize: 64, learningRate: 0.02, seed: 3, members: 1 }, validationShare: 0.1, targetAccuracy: 0.97, limit: 154, fewShot: false, knowledgeBase,
      cnn: { ...DEFAULT_CNN_SETTINGS, epochs: 1, batchSize: 32, length: 12, dim: 8, filters: 8, minCount: 1, seed: 3 } },
    () => {},
  );
  expect(report.queries).toMatchObject({ validation: 100, test: 50, feedback: 2 });
  // Validation accuracy of both models (what model choices are made on): a share of the 100 queries.
  for (const result of [report.loom, report.baseline]) {
    expect(result.validationAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.validationAccuracy).toBeLessThanOrEqual(1);
    expect(Number.isInteger(Math.round(result.validationAccuracy * 100 * 1e6) / 1e6)).toBe(true);
  }
  expect(bundle.evidence.texts).toHaveLength(report.queries.train); // the stratified sample of about 154 plus the 2 corrections
  expect(bundle.evidence.texts.slice(-2)).toEqual(feedback.texts);
  expect(bundle.evidence.labels.slice(-2)).toEqual([0, 0]);
  // The feedback's words are in the features (they were training queries).
  expect(bundle.featurizer.features).toContain('w:zzqx');
  expect(bundle.cnn?.words).toContain('zzqx');
  // The blend's weight: the best validation accuracy of the grid (the first of equals), never a test number.
  const blend = report.blend!;
  expect(blend.weights.map((w) => w.weight)).toEqual(BLEND_WEIGHTS);
  const best = Math.max(...blend.weights.map((w) => w.validationAccuracy));
  expect(blend.weight).toBe(blend.weights.find((w) => w.validationAccuracy === best)!.weight);
  expect(blend.validationAccuracy).toBe(best);
  expect(bundle.cnn?.weight).toBe(blend.weight);
  expect(cnnBytes?.length).toBeGreaterThan(0);
  expect(report.cnn?.validationAccuracy).toBeGreaterThanOrEqual(0);
});
