import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TabularRow } from '@loom-ml/fraud-detection';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../test/service-process.js';
import { loadImportedModel, readEncoderFile } from './model-bundle.js';
import { createFraudServer } from './server.js';

// Written by XGBoost 1.7.4 itself (scripts/xgboost-fixture.py, committed with its output): a
// booster trained on 6,000 lending-club loans encoded as encoder.json says, and 40 held-out raw
// loans with XGBoost's own predictions and margins on them.
const fixtures = fileURLToPath(new URL('../test/fixtures/xgboost/', import.meta.url));
const modelFile = join(fixtures, 'xgboost.json');
const encoderPath = join(fixtures, 'encoder.json');
const expected = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as { rows: TabularRow[]; predictions: number[]; margins: number[]; features: number };
const directory = await mkdtemp(join(tmpdir(), 'fraud-xgboost-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('a model trained by XGBoost', () => {
  it("scores raw loans as XGBoost scores the encoded ones: Loom's encoder makes the columns XGBoost saw", async () => {
    const scorer = await loadImportedModel(modelFile, encoderPath);
    expect(scorer.description).toBe('XGBoost binary:logistic, 30 trees (xgboost.json)');
    expect(scorer.encoder.featureNames).toHaveLength(expected.features);
    // Tolerance 1e-6 (the issue's): XGBoostModel repeats XGBoost's float32 arithmetic, so in fact they are equal.
    const scores = scorer.scoreRows(expected.rows);
    const margins = scorer.logOdds(expected.rows);
    expected.predictions.forEach((p, i) => expect(Math.abs(scores[i]! - p)).toBeLessThanOrEqual(1e-6));
    expected.margins.forEach((m, i) => expect(Math.abs(margins[i]! - m)).toBeLessThanOrEqual(1e-6));
    expect(new Set(expected.predictions).size).toBeGreaterThan(30); // the loans are told apart, not one constant score
    expect(scorer.bundle.threshold).toEqual({ value: 0.5, rule: 'the default for an imported model (set it with --threshold)' });
  });

  it('serves them: POST /score gives XGBoost’s probability, the decision at --threshold, attributions and no anomaly score', async () => {
    const scorer = await loadImportedModel(modelFile, encoderPath, { threshold: 0.1 });
    const { server } = createFraudServer(scorer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const transactions = expected.rows.map((row, i) => ({ ...row, id: i }));
      const response = await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactions }) });
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: { id: number; score: number; decision: string; topAttributions: unknown[]; anomalyScore?: number }[] };
      results.forEach((result, i) => {
        expect(Math.abs(result.score - expected.predictions[i]!)).toBeLessThanOrEqual(1e-6);
        expect(result.decision).toBe(expected.predictions[i]! >= 0.1 ? 'review' : 'accept');
        expect(result.topAttributions).toHaveLength(3);
        expect(result).not.toHaveProperty('anomalyScore');
      });
      expect(results.some((r) => r.decision === 'review') && results.some((r) => r.decision === 'accept')).toBe(true);
      const summary = (await (await fetch(`${url}/api/summary`)).json()) as { model: Record<string, unknown>; prCurve: unknown; anomaly: unknown; totals: { scored: number } };
      expect(summary.model).toMatchObject({ description: 'XGBoost binary:logistic, 30 trees (xgboost.json)', trainedAt: null, threshold: 0.1, rule: 'given with --threshold', rocAuc: null });
      expect([summary.prCurve, summary.anomaly, summary.totals.scored]).toEqual([null, null, 40]);
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', model: 'XGBoost binary:logistic, 30 trees (xgboost.json)', threshold: 0.1 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('pnpm serve --model xgboost.json --encoder encoder.json serves it', async () => {
    const service = await startService(['--model', modelFile, '--encoder', encoderPath, '--threshold', '0.2']);
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(expected.rows[1]) });
      const result = (await response.json()) as { score: number; threshold: number };
      expect(Math.abs(result.score - expected.predictions[1]!)).toBeLessThanOrEqual(1e-6);
      expect(result.threshold).toBe(0.2);
    } finally {
      await service.stop();
    }
  });

  describe('refuses, naming the file and the field', () => {
    const write = async (name: string, content: string | Uint8Array) => {
      const path = join(directory, name);
      await writeFile(path, content);
      return path;
    };
    const modelJson = JSON.parse(readFileSyncText(modelFile)) as { learner: { objective: { name: string }; learner_model_param: { num_feature: string } } };
    const encoderJson = JSON.parse(readFileSyncText(encoderPath)) as Record<string, unknown> & { encoder: { schema: { numeric: string[]; categorical: string[] } } };

    it('a model file that is missing, too large, not JSON or malformed', async () => {
      await expect(loadImportedModel(join(directory, 'none.json'), encoderPath)).rejects.toThrow(`The XGBoost model file ${join(directory, 'none.json')} does not exist.`);
      await expect(loadImportedModel(modelFile, encoderPath, { maxBytes: 1000 })).rejects.toThrow(/^The XGBoost model file .*xgboost\.json has 36254 bytes, more than the limit of 1000/);
      const cut = await write('cut.json', readFileSyncText(modelFile).slice(0, 5000));
      await expect(loadImportedModel(cut, encoderPath)).rejects.toThrow(new RegExp(`^${cut}: `));
      const broken = structuredClone(modelJson) as unknown as { learner: { gradient_booster: { model: { trees: { left_children: number[] }[] } } } };
      broken.learner.gradient_booster.model.trees[3]!.left_children[0] = 10 ** 6;
      const bad = await write('bad-child.json', JSON.stringify(broken));
      await expect(loadImportedModel(bad, encoderPath)).rejects.toThrow(new RegExp(`^${bad}: .*trees\\[3\\]\\.left_children\\[0\\]`));
    });

    it('a model that does not give P(bad loan), or was trained on other columns', async () => {
      const regression = await write('regression.json', JSON.stringify({ ...modelJson, learner: { ...modelJson.learner, objective: { name: 'reg:squarederror', reg_loss_param: { scale_pos_weight: '1' } } } }));
      await expect(loadImportedModel(regression, encoderPath)).rejects.toThrow(
        `${regression}: Invalid value for \`objective\` in loadImportedModel. Expected a binary classifier (binary:logistic, reg:logistic, binary:logitraw): the service scores P(bad loan). Received: 'reg:squarederror'.`,
      );
      const fewer = { ...encoderJson, encoder: { ...encoderJson.encoder, schema: { ...encoderJson.encoder.schema, categorical: encoderJson.encoder.schema.categorical.slice(1) } } };
      const other = await write('other-columns.json', JSON.stringify(fewer));
      await expect(loadImportedModel(modelFile, other)).rejects.toThrow(
        `${modelFile}: Invalid value for \`num_feature\` in loadImportedModel. Expected 121 (the columns of ${other}: train XGBoost on encoder.transform(rows)). Received: 124.`,
      );
    });

    it.each([
      ['another format', { ...encoderJsonOf(), format: 'loom-fraud-service/2' }, "`format` in loadImportedModel. Expected 'loom-fraud-service/encoder'. Received: 'loom-fraud-service/2'."],
      ['no baseline', { ...encoderJsonOf(), baseline: undefined }, '`baseline` in loadImportedModel. Expected the training median/mode row. Received: nothing.'],
      ['a baseline as text', { ...encoderJsonOf(), baseline: { ...(encoderJsonOf().baseline as object), int_rate: 'high' } }, "`baseline.int_rate` in loadImportedModel. Expected a finite number. Received: 'high'."],
      ['no reference', { ...encoderJsonOf(), reference: undefined }, '`reference` in loadImportedModel. Expected the training distributions for drift. Received: nothing.'],
      ['an array', [1], '`encoder.json` in loadImportedModel. Expected a JSON object written by `pnpm start` (encoder.json). Received: [1].'],
    ])('an encoder file with %s', async (name, content, message) => {
      const path = await write(`${name.replace(/ /g, '-')}.json`, JSON.stringify(content));
      await expect(loadImportedModel(modelFile, path)).rejects.toThrow(`${path}: Invalid value for ${message}`);
    });

    it('an encoder whose statistics are wrong (TabularEncoder.fromJSON names them), not UTF-8, or too large', async () => {
      const zeroStd = structuredClone(encoderJson) as unknown as { encoder: { numeric: Record<string, { std: number }> } };
      zeroStd.encoder.numeric.int_rate!.std = 0;
      const path = await write('zero-std.json', JSON.stringify(zeroStd));
      await expect(loadImportedModel(modelFile, path)).rejects.toThrow(`${path}: Invalid value for \`numeric.int_rate.std\` in TabularEncoder.fromJSON. Expected a finite number > 0. Received: 0.`);
      const binary = await write('binary.json', Uint8Array.of(0xff, 0xfe, 0x7b));
      await expect(readEncoderFile(binary)).rejects.toThrow(`Invalid value for \`encoder\` in loadImportedModel. Expected readable UTF-8 JSON in ${binary}. Received: The encoded data was not valid for encoding utf-8.`);
      await expect(readEncoderFile(encoderPath, 100)).rejects.toThrow(/^The encoder file .*encoder\.json has \d+ bytes, more than the limit of 100/);
    });
  });
});

function readFileSyncText(path: string): string {
  return readFileSync(path, 'utf8');
}

function encoderJsonOf(): Record<string, unknown> {
  return JSON.parse(readFileSyncText(encoderPath)) as Record<string, unknown>;
}
