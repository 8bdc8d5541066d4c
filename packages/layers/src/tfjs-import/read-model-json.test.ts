import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { importTfjsModel } from './import-tfjs-model.js';
import { readModelJson } from './read-model-json.js';

// Checked-in fixture written by scripts/make-tfjs-fixture.mjs with tfjs-layers 4.22.0:
// Embedding → LSTM (sigmoid gates) → Dense softmax, weights in two shards, and tfjs-layers'
// predictions on a fixed input in expected.json.
const fixtures = fileURLToPath(new URL('../../test/fixtures/tfjs/', import.meta.url));
const modelJson = join(fixtures, 'model.json');

describe('importTfjsModel from a model.json path', () => {
  let scratch = '';
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'loom-tfjs-import-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("reads the shards next to model.json and predicts what tfjs-layers predicted (atol 1e-5)", async () => {
    const expected = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as { input: number[][]; output: number[][] };
    const model = await importTfjsModel(modelJson);
    expect(model.name).toBe('fixture_lstm');
    expect(model.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['Embedding embedding', 'LSTM lstm', 'Dense dense']);
    const x = tf.tensor2d(expected.input);
    const y = model.apply(x);
    expectTensorsClose(y, expected.output, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, y]);
    model.dispose();
  });

  it('joins the shards in manifest order into one weightData', async () => {
    const artifacts = await readModelJson(modelJson);
    const shards = artifacts.weightData as ArrayBuffer[];
    expect(shards.map((s) => s.byteLength)).toEqual([412, 416]);
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['embedding/embeddings', 'lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias', 'dense/kernel', 'dense/bias']);
  });

  it('names a missing shard, an unreadable model.json and a model.json without a topology', async () => {
    await copyFile(modelJson, join(scratch, 'model.json'));
    await copyFile(join(fixtures, 'group1-shard1of2.bin'), join(scratch, 'group1-shard1of2.bin'));
    await expect(importTfjsModel(join(scratch, 'model.json'))).rejects.toThrow(`importTfjsModel could not read the weight shard 'group1-shard2of2.bin' listed in '${join(scratch, 'model.json')}': ENOENT`);
    await expect(importTfjsModel(join(scratch, 'absent.json'))).rejects.toThrow(`importTfjsModel could not read '${join(scratch, 'absent.json')}' as a tfjs model.json: ENOENT`);
    await writeFile(join(scratch, 'empty.json'), '{}');
    await expect(importTfjsModel(join(scratch, 'empty.json'))).rejects.toThrow(`Invalid value for \`modelTopology\` in '${join(scratch, 'empty.json')}'. Expected a tfjs-layers model.json with a modelTopology. Received: none.`);
  });
});
