// bundle.json and model.loom are read as hostile input: each bad field is refused by name before
// anything is built, and a model that does not fit the bundle is refused with both shapes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BANKING77_INTENTS } from '@loom-ml/datasets';
import { dense, sequential, serializeModel } from '@loom-ml/layers';
import { describe, expect, it } from 'vitest';
import knowledgeBase from './knowledge-base.json' with { type: 'json' };
import { loadBundle } from './bundle-files.js';
import { Featurizer } from './features.js';
import { buildModel } from './intent-model.js';
import { assistantFromFiles, parseBundleJSON, type BundleJSON } from './model-bundle.js';

const texts = ['my card has not arrived', 'what is the exchange rate', 'my card has not come yet', 'exchange rate please'];
const featurizer = Featurizer.fit(texts, { minCount: 1, maxFeatures: 32 });
const intents = [...BANKING77_INTENTS];
const bundle: BundleJSON = {
  format: 'support-desk-bundle',
  formatVersion: 1,
  trainedAt: '2026-12-03T00:00:00.000Z',
  intents,
  featurizer: featurizer.toJSON(),
  temperature: 1.2,
  threshold: 0.5,
  targetAccuracy: 0.97,
  knowledgeBase,
  evidence: { texts, labels: [0, 2, 0, 2] },
};
const model = buildModel(featurizer.size, intents.length, { dim: 4, dropout: 0, seed: 1 }, 32);
const modelBytes = await serializeModel(model);
const clone = () => JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;

describe('parseBundleJSON', () => {
  it('builds an assistant from a good bundle', () => {
    const { assistant } = assistantFromFiles(clone(), modelBytes, 'good');
    const [reply] = assistant.reply(['my card has not arrived']);
    expect(reply!.didYouMean).toHaveLength(3);
    expect(reply!.similar[0]!.text).toBe('my card has not arrived'); // itself, similarity 1
    expect(reply!.similar[0]!.similarity).toBeCloseTo(1, 5);
    assistant.parts.model.dispose();
  });

  const cases: [string, (b: Record<string, unknown>) => void, RegExp][] = [
    ['another format', (b) => (b.format = 'x'), /not a support-desk bundle/],
    ['repeated intents', (b) => ((b.intents as string[])[1] = (b.intents as string[])[0]!), /`intents`.*distinct/],
    ['a zero temperature', (b) => (b.temperature = 0), /`temperature`.*positive/],
    ['a threshold of 2', (b) => (b.threshold = 2), /`threshold`/],
    ['a missing answer', (b) => delete (b.knowledgeBase as { answers: Record<string, unknown> }).answers.card_arrival, /`knowledgeBase\.answers\.card_arrival`/],
    ['an evidence label out of range', (b) => ((b.evidence as { labels: number[] }).labels[1] = 77), /`evidence\.labels\[1\]`.*0 to 76/],
    ['an empty evidence text', (b) => ((b.evidence as { texts: string[] }).texts[2] = ''), /`evidence\.texts\[2\]`/],
    ['a featurizer count above its documents', (b) => ((b.featurizer as { documentFrequency: number[] }).documentFrequency[0] = 99), /documentFrequency/],
  ];
  it.each(cases)('refuses %s, naming the field', (_label, spoil, message) => {
    const json = clone();
    spoil(json);
    expect(() => parseBundleJSON(json, 'bad/bundle.json')).toThrow(message);
  });

  it('refuses a model that does not fit the bundle, or that is not an embedding bag', async () => {
    const wider = await serializeModel(buildModel(featurizer.size + 1, intents.length, { dim: 4, dropout: 0, seed: 1 }, 32));
    expect(() => assistantFromFiles(clone(), wider, 'mismatch')).toThrow(/does not match bundle\.json: the model has 77 outputs, 32 inputs and \d+ feature ids; bundle\.json has 77 intents, 32 features per query and \d+ feature ids\./);
    const plain = await serializeModel(sequential([dense({ units: 77, inputShape: [32] })]));
    expect(() => assistantFromFiles(clone(), plain, 'plain')).toThrow(/not a support-desk model/);
  });

  it('says how to make a bundle when the folder has none', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'support-bundle-'));
    await expect(loadBundle(empty)).rejects.toThrow(/does not exist\. Train a model first: pnpm start --out /);
    await writeFile(join(empty, 'bundle.json'), '{"format":');
    await writeFile(join(empty, 'model.loom'), modelBytes);
    await expect(loadBundle(empty)).rejects.toThrow(/bundle\.json is not readable UTF-8 JSON/);
    await rm(empty, { recursive: true, force: true });
  });
});
