import { fileURLToPath } from 'node:url';
import { modulesKeptFor } from '@loom-ml/test-utils/tree-shaking';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('an app that imports dense and sequential gets no other layer and no tfjs-import converter', async () => {
  const { own } = await modulesKeptFor(packageDir, ['dense', 'sequential']);
  expect(own).toEqual(expect.arrayContaining(['core/layers/dense.ts', 'model/sequential.ts']));
  const otherLayers = own.filter((module) => /^(core\/layers\/(?!dense\.ts)|recurrent\/|attention\/|normalization\/|tfjs-import\/)/.test(module));
  expect(otherLayers).toEqual([]);
});
