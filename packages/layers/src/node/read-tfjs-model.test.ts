import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { FileRefusedError } from '@loom-ml/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { LayersError } from '../errors.js';
import { importTfjsModel } from '../tfjs-import/import-tfjs-model.js';
import { readTfjsModel } from './read-tfjs-model.js';

// Checked-in fixture written by scripts/make-tfjs-fixture.mjs with tfjs-layers 4.22.0:
// Embedding → LSTM (sigmoid gates) → Dense softmax, weights in two shards, and tfjs-layers'
// predictions on a fixed input in expected.json.
const fixtures = fileURLToPath(new URL('../../test/fixtures/tfjs/', import.meta.url));
const modelJson = join(fixtures, 'model.json');

describe('readTfjsModel: a model.json path and its shards', () => {
  let scratch = '';
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'loom-tfjs-import-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("reads the shards next to model.json and predicts what tfjs-layers predicted (atol 1e-5)", async () => {
    const expected = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as { input: number[][]; output: number[][] };
    const model = await importTfjsModel(await readTfjsModel(modelJson));
    expect(model.name).toBe('fixture_lstm');
    expect(model.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['Embedding embedding', 'LSTM lstm', 'Dense dense']);
    const x = tf.tensor2d(expected.input);
    const y = model.apply(x);
    expectTensorsClose(y, expected.output, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, y]);
    model.dispose();
  });

  it('joins the shards in manifest order into one weightData', async () => {
    const artifacts = await readTfjsModel(modelJson);
    const shards = artifacts.weightData as ArrayBuffer[];
    expect(shards.map((s) => s.byteLength)).toEqual([412, 416]);
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['embedding/embeddings', 'lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias', 'dense/kernel', 'dense/bias']);
  });

  it('names a missing shard, an unreadable model.json and a model.json without a topology', async () => {
    await copyFile(modelJson, join(scratch, 'model.json'));
    await copyFile(join(fixtures, 'group1-shard1of2.bin'), join(scratch, 'group1-shard1of2.bin'));
    await expect(readTfjsModel(join(scratch, 'model.json'))).rejects.toThrow(`The weight shard of weightsManifest[0] ${join(scratch, 'group1-shard2of2.bin')} does not exist.`);
    await expect(readTfjsModel(join(scratch, 'absent.json'))).rejects.toThrow(`The tfjs model.json ${join(scratch, 'absent.json')} does not exist.`);
    await writeFile(join(scratch, 'empty.json'), '{}');
    await expect(readTfjsModel(join(scratch, 'empty.json'))).rejects.toThrow(`Invalid value for \`modelTopology\` in '${join(scratch, 'empty.json')}'. Expected a tfjs-layers model.json with a modelTopology. Received: none.`);
    await writeFile(join(scratch, 'broken.json'), '{"modelTopology": {');
    await expect(readTfjsModel(join(scratch, 'broken.json'))).rejects.toThrow(LayersError);
    await expect(readTfjsModel(join(scratch, 'broken.json'))).rejects.toThrow(`The tfjs model.json ${join(scratch, 'broken.json')} is not valid JSON`);
  });

  it('refuses shard paths that leave the folder (/etc/passwd, .., absolute, links out) before reading anything', async () => {
    const json = JSON.parse(await readFile(modelJson, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const folder = await mkdtemp(join(scratch, 'confined-'));
    await symlink('/etc/passwd', join(folder, 'link.bin'));
    for (const [shard, why] of [
      ['../../../../../../etc/passwd', "contains '..'"],
      ['/etc/passwd', 'is an absolute path'],
      ['link.bin', 'is a link that leads outside the folder'],
    ] as const) {
      await writeFile(join(folder, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: [shard] }] }));
      const error = await readTfjsModel(join(folder, 'model.json')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileRefusedError);
      expect((error as Error).message).toContain(`Invalid value for \`weightsManifest[0].paths[0]\`: '${shard}' ${why}.`);
    }
  });

  it('refuses /dev/zero as a shard and a manifest declaring more than maxBytes, before reading', async () => {
    const folder = await mkdtemp(join(scratch, 'devices-'));
    await symlink('/dev/zero', join(folder, 'zero.bin'));
    const topology = JSON.parse(await readFile(modelJson, 'utf8')) as { modelTopology: unknown };
    const spec = { name: 'dense/kernel', shape: [20000, 20000], dtype: 'float32' };
    await writeFile(join(folder, 'model.json'), JSON.stringify({ modelTopology: topology.modelTopology, weightsManifest: [{ paths: ['zero.bin'], weights: [spec] }] }));
    await expect(readTfjsModel(join(folder, 'model.json'))).rejects.toThrow('declares more than 536870912 bytes of weights (the maxBytes limit');
    await expect(readTfjsModel(join(folder, 'model.json'), { maxBytes: 2e9 })).rejects.toThrow('is a link that leads outside the folder');
    await writeFile(join(folder, 'model.json'), JSON.stringify({ modelTopology: topology.modelTopology, weightsManifest: [{ paths: ['big.bin'], weights: [{ ...spec, shape: [2, 2] }] }] }));
    await writeFile(join(folder, 'big.bin'), new Uint8Array(1000));
    await expect(readTfjsModel(join(folder, 'model.json'))).rejects.toThrow('has 1000 bytes, more than the limit of 16');
    await writeFile(join(folder, 'big.bin'), new Uint8Array(12));
    await expect(readTfjsModel(join(folder, 'model.json'))).rejects.toThrow('hold 12 bytes; its weights declare 16. Is a shard truncated?');
  });
});
