import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TabularEncoder } from '@loom-ml/fraud-detection';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../test/fixture-bundle.js';
import { createScorer, loadBundle, saveBundle } from './model-bundle.js';

const fixture = await fixtureModel();
const directory = await mkdtemp(join(tmpdir(), 'fraud-bundle-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('model bundle', () => {
  it('saves through a temporary file and loads back a scorer equal to LogisticRegression.predictProba', async () => {
    await saveBundle(join(directory, 'run'), fixture.bundle);
    expect(await readdir(join(directory, 'run'))).toEqual(['model.json']);
    const loaded = await loadBundle(join(directory, 'run'));
    expect(loaded).toEqual(JSON.parse(JSON.stringify(fixture.bundle)));
    const rows = fixture.rows.slice(0, 50);
    const expected = fixture.model.predictProba(TabularEncoder.fromJSON(fixture.bundle.encoder).transform(rows));
    createScorer(loaded).scoreRows(rows).forEach((score, i) => expect(Math.abs(score - expected[i]!)).toBeLessThan(1e-12));
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

  it('names a missing model, a wrong format and mismatched weights', async () => {
    await expect(loadBundle(join(directory, 'nothing'))).rejects.toThrow(
      `Invalid value for \`model\` in loadBundle. Expected a directory with model.json written by \`pnpm start\`. Received: '${join(directory, 'nothing')}'.`,
    );
    await writeFile(join(directory, 'model.json'), JSON.stringify({ format: 'other/2' }));
    await expect(loadBundle(directory)).rejects.toThrow("Invalid value for `format` in loadBundle. Expected 'loom-fraud-service/1'. Received: \"other/2\".");
    await writeFile(join(directory, 'model.json'), JSON.stringify({ ...fixture.bundle, logistic: { weights: [1, 2], bias: 0 } }));
    await expect(loadBundle(directory)).rejects.toThrow(/^Invalid value for `logistic.weights` in loadBundle. Expected 124 weights \(one per encoded feature\). Received: 2 weights.$/);
  });
});
