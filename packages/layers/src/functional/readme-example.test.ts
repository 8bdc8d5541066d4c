// The README's functional example, as written there (saving under a temporary folder).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { expect, it } from 'vitest';
import { dense, dot, embedding, flatten, input, model, type FunctionalModel } from '../index.js';
import { loadModel, saveModel } from '../node.js';

it('README: a two-tower recommender scored by cosine, saved and loaded', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'loom-readme-'));
  const user = input({ shape: [1], name: 'user', dtype: 'int32' });
  const item = input({ shape: [1], name: 'item', dtype: 'int32' });
  const userTable = embedding({ inputDim: 1000, outputDim: 32, name: 'user_table' });
  const itemTable = embedding({ inputDim: 5000, outputDim: 32, name: 'item_table' });
  const userVector = dense({ units: 16, name: 'user_tower' }).connect(flatten().connect(userTable.connect(user)));
  const itemVector = dense({ units: 16, name: 'item_tower' }).connect(flatten().connect(itemTable.connect(item)));
  const score = dot({ axes: 1, normalize: true, name: 'cosine' }).connect([userVector, itemVector]); // [null, 1], in [-1, 1]
  const recommender = model({ inputs: [user, item], outputs: score, name: 'two_tower' });

  const summary = recommender.summary();
  expect(summary).toMatch(/cosine \(Dot\)\s+\[null,1\]\s+0 {2}user_tower\[0\], item_tower\[0\]/);
  // 1000*32 + 5000*32 + 2 * (32*16 + 16)
  expect(summary).toContain('Total params: 193,056');
  const userIds = tf.tensor2d([[3], [42]], [2, 1], 'int32');
  const itemIds = tf.tensor2d([[7], [7]], [2, 1], 'int32');
  const scores = recommender.apply([userIds, itemIds]) as tf.Tensor;
  expect(scores.shape).toEqual([2, 1]);
  expect(Array.from(scores.dataSync()).every((s) => s >= -1 && s <= 1)).toBe(true);

  await saveModel(recommender, join(runs, 'two-tower.loom'));
  const again = await loadModel<FunctionalModel>(join(runs, 'two-tower.loom'));
  const reloaded = again.apply([userIds, itemIds]) as tf.Tensor;
  expectTensorsClose(reloaded, scores, { rtol: 0, atol: 0 });
  tf.dispose([userIds, itemIds, scores, reloaded]);
  recommender.dispose();
  again.dispose();
});
