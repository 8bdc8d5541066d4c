import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TabularEncoder } from '@loom-ml/fraud-detection';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fixtureModel } from '../test/fixture-bundle.js';
import { AppError } from './errors.js';
import { createScorer, encoderFile, loadBundle, readEncoderFile, saveBundle } from './model-bundle.js';

// Lets one test make writeFile fail half-way (as a full disk would), while every other call is real.
const failWrites = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    writeFile: async (path: string, data: string) => {
      if (!failWrites.on) return actual.writeFile(path, data);
      await actual.writeFile(path, data.slice(0, data.length >> 1));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
    },
  };
});

const fixture = await fixtureModel();
const directory = await mkdtemp(join(tmpdir(), 'fraud-bundle-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('model bundle', () => {
  it('saves through a temporary file and loads back the package models, scoring exactly like the trained ones', async () => {
    await saveBundle(join(directory, 'run'), fixture.bundle);
    expect((await readdir(join(directory, 'run'))).sort()).toEqual(['encoder.json', 'model.json']);
    // encoder.json: what a model trained elsewhere on the same columns is served with (imported-model.test.ts).
    expect(await readEncoderFile(join(directory, 'run', 'encoder.json'))).toEqual(JSON.parse(JSON.stringify(encoderFile(fixture.bundle))));
    const loaded = await loadBundle(join(directory, 'run'));
    expect(loaded).toEqual(JSON.parse(JSON.stringify(fixture.bundle)));
    const rows = fixture.rows.slice(0, 200);
    const features = TabularEncoder.fromJSON(fixture.bundle.encoder).transform(rows);
    const tensorsBefore = tf.memory().numTensors;
    const scorer = createScorer(loaded);
    expect(tf.memory().numTensors).toBe(tensorsBefore); // loading a bundle leaves no tensors behind
    // LogisticRegression.fromJSON and IsolationForest.fromJSON restore the models exactly: identical scores.
    expect(Array.from(scorer.scoreRows(rows))).toEqual(Array.from(fixture.model.predictProba(features)));
    expect(Array.from(scorer.logOdds(rows))).toEqual(Array.from(fixture.model.logOdds(features)));
    expect(Array.from(scorer.anomalyScores(rows))).toEqual(Array.from(fixture.forest.score(features)));
  });

  it('saves the forest with its test-split ranking and training quantiles', () => {
    const { anomaly } = fixture.bundle;
    expect(anomaly.forest.format).toBe('loom-ml/isolation-forest');
    expect(anomaly.forest.features).toBe(TabularEncoder.fromJSON(fixture.bundle.encoder).featureNames.length);
    expect(anomaly.rocAuc).toBeGreaterThan(0);
    expect(anomaly.rocAuc).toBeLessThan(1);
    const { p50, p90, p99 } = anomaly.trainingQuantiles;
    expect(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= 1).toBe(true);
  });

  it('explains on the log-odds scale, where the column attributions add up exactly to logOdds(row) − logOdds(baseline)', () => {
    const scorer = createScorer(fixture.bundle);
    const [baselineLogOdds] = scorer.logOdds([fixture.bundle.baseline]);
    for (const row of fixture.rows.slice(0, 20)) {
      const { score, attributions } = scorer.explain(row);
      expect(attributions).toHaveLength(22);
      // Each column is encoded separately and the model is linear in the encoding, so this is exact up to float64 rounding.
      expect(Math.abs(attributions.reduce((sum, a) => sum + a.attribution, 0) - (score - baselineLogOdds!))).toBeLessThan(1e-9);
    }
  });

  it('leaves the previous model intact and no temporary file behind when a write fails', async () => {
    const run = join(directory, 'failing');
    await saveBundle(run, fixture.bundle);
    const before = await readFile(join(run, 'model.json'), 'utf8');
    failWrites.on = true;
    try {
      await expect(saveBundle(run, { ...fixture.bundle, trainedAt: 'newer' })).rejects.toThrow(/^ENOSPC: no space left on device/);
    } finally {
      failWrites.on = false;
    }
    expect((await readdir(run)).sort()).toEqual(['encoder.json', 'model.json']);
    expect(await readFile(join(run, 'model.json'), 'utf8')).toBe(before);
    expect((await loadBundle(run)).trainedAt).toBe(fixture.bundle.trainedAt);
  });

  it('names a missing model, a wrong format, mismatched weights and a malformed saved model', async () => {
    await expect(loadBundle(join(directory, 'nothing'))).rejects.toThrow(
      `Invalid value for \`model\` in loadBundle. Expected a directory with model.json written by \`pnpm start\`. Received: '${join(directory, 'nothing')}'.`,
    );
    const file = join(directory, 'model.json');
    await writeFile(file, JSON.stringify({ format: 'loom-fraud-service/1' }));
    await expect(loadBundle(directory)).rejects.toThrow(`${file}: Invalid value for \`format\` in loadBundle. Expected 'loom-fraud-service/2'. Received: 'loom-fraud-service/1'.`);
    await writeFile(file, JSON.stringify({ ...fixture.bundle, logistic: { ...fixture.bundle.logistic, weights: [1, 2] } }));
    await expect(loadBundle(directory)).rejects.toThrow(`${file}: Invalid value for \`logistic.weights\` in loadBundle. Expected 124 weights (one per encoded feature). Received: 2 weights.`);
    await writeFile(file, JSON.stringify({ ...fixture.bundle, logistic: { ...fixture.bundle.logistic, bias: 'high' } }));
    await expect(loadBundle(directory)).rejects.toThrow(`${file}: Invalid value for \`bias\` in LogisticRegression.fromJSON. Expected a finite number. Received: 'high'.`);
    const forest = fixture.bundle.anomaly.forest;
    await writeFile(file, JSON.stringify({ ...fixture.bundle, anomaly: { ...fixture.bundle.anomaly, forest: { ...forest, forest: [{ size: 1.5 }] } } }));
    await expect(loadBundle(directory)).rejects.toThrow(`${file}: Invalid value for \`forest[0].size\` in IsolationForest.fromJSON. Expected an integer from 0 to usedSampleSize (256). Received: 1.5.`);
    await writeFile(file, JSON.stringify({ ...fixture.bundle, anomaly: undefined }));
    await expect(loadBundle(directory)).rejects.toThrow(`${file}: Invalid value for \`anomaly\` in loadBundle. Expected the isolation forest and its evaluation. Received: nothing.`);
  });

  // Issue 18, item 7: each of these loaded before and then failed at start-up (TypeError) or on
  // every /score (500), or, for a null threshold, silently sent every loan to review.
  const { reference: _reference, threshold: _threshold, baseline: _baseline, evaluation: _evaluation, ...bare } = fixture.bundle;
  it.each([
    ['no reference', { ...bare, threshold: fixture.bundle.threshold, baseline: fixture.bundle.baseline, evaluation: fixture.bundle.evaluation }, '`reference` in loadBundle. Expected the training distributions for drift. Received: nothing.'],
    ['no threshold', { ...fixture.bundle, threshold: undefined }, '`threshold` in loadBundle. Expected { value, rule }. Received: nothing.'],
    ['no baseline', { ...fixture.bundle, baseline: undefined }, '`baseline` in loadBundle. Expected the training median/mode row. Received: nothing.'],
    ['no evaluation', { ...fixture.bundle, evaluation: undefined }, '`evaluation` in loadBundle. Expected the test-split results. Received: nothing.'],
    ['a null threshold', { ...fixture.bundle, threshold: { ...fixture.bundle.threshold, value: null } }, '`threshold.value` in loadBundle. Expected a finite number from 0 to 1. Received: null.'],
    ['a threshold as text', { ...fixture.bundle, threshold: { ...fixture.bundle.threshold, value: '0.5' } }, "`threshold.value` in loadBundle. Expected a finite number from 0 to 1. Received: '0.5'."],
    ['a baseline column missing', { ...fixture.bundle, baseline: { ...fixture.bundle.baseline, int_rate: undefined } }, '`baseline.int_rate` in loadBundle. Expected a finite number. Received: nothing.'],
    ['a reference column missing', { ...fixture.bundle, reference: { ...fixture.bundle.reference, numeric: {} } }, '`reference.numeric.funded_amnt` in loadBundle. Expected an array of one or more numbers. Received: nothing.'],
    ['category shares as text', { ...fixture.bundle, reference: { ...fixture.bundle.reference, categorical: { ...fixture.bundle.reference.categorical, term: { term_36: 'most' } } } }, '`reference.categorical.term["term_36"]` in loadBundle. Expected a finite number from 0 to 1. Received: \'most\'.'],
    ['a histogram of the wrong length', { ...fixture.bundle, evaluation: { ...fixture.bundle.evaluation, scoreHistogram: { ...fixture.bundle.evaluation.scoreHistogram, bad: [1, 2] } } }, "`evaluation.scoreHistogram.bad` in loadBundle. Expected an array of 20 numbers. Received: '2 items'."],
    ['a schema the encoder does not share', { ...fixture.bundle, schema: { ...fixture.bundle.schema, numeric: ['int_rate'] } }, '`encoder.schema` in loadBundle. Expected the same columns, in the same order, as `schema`.'],
    ['an array', [1, 2], '`model.json` in loadBundle. Expected a JSON object written by `pnpm start`. Received: [1, 2].'],
  ])('refuses a bundle with %s, naming the field', async (_label, bundle, message) => {
    const run = join(directory, 'incomplete');
    await mkdir(run, { recursive: true });
    await writeFile(join(run, 'model.json'), JSON.stringify(bundle));
    const error = await loadBundle(run).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error!.message.startsWith(`${join(run, 'model.json')}: Invalid value for ${message}`)).toBe(true);
  });

  it('refuses a model.json that is not JSON, not UTF-8 or larger than the limit, before parsing it', async () => {
    const run = join(directory, 'unreadable');
    await mkdir(run, { recursive: true });
    const file = join(run, 'model.json');
    await writeFile(file, '{"format": "loom-fraud-service/2", ');
    await expect(loadBundle(run)).rejects.toThrow(new RegExp(`^Invalid value for \`model\` in loadBundle. Expected readable JSON in ${file}. Received: `));
    await writeFile(file, new Uint8Array([0x7b, 0xff, 0x7d]));
    await expect(loadBundle(run)).rejects.toThrow(`Invalid value for \`model\` in loadBundle. Expected readable UTF-8 JSON in ${file}. Received: The encoded data was not valid for encoding utf-8.`);
    await writeFile(file, JSON.stringify(fixture.bundle));
    await expect(loadBundle(run, { maxBytes: 1000 })).rejects.toThrow(/^The model file .*model\.json has \d+ bytes, more than the limit of 1000 \(raise maxBytes if you trust it\)\.$/);
  });
});
