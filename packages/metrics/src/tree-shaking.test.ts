import { fileURLToPath } from 'node:url';
import { modulesKeptFor } from '@loom-ml/test-utils/tree-shaking';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('an app that imports accuracy gets no streaming metric, curve or calibration code', async () => {
  const { own } = await modulesKeptFor(packageDir, ['accuracy']);
  expect(own).toEqual(['classification.ts', 'errors.ts', 'values.ts']);
});

it('getMetric keeps every streaming metric, since any name may reach it', async () => {
  const { own } = await modulesKeptFor(packageDir, ['getMetric']);
  expect(own).toEqual(expect.arrayContaining(['binned-auc.ts', 'streaming.ts']));
});
