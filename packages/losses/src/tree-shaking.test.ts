import { fileURLToPath } from 'node:url';
import { modulesKeptFor } from '@loom-ml/test-utils/tree-shaking';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('an app that imports one loss gets that loss and its helpers, not the other fifteen', async () => {
  const { own } = await modulesKeptFor(packageDir, ['meanSquaredError']);
  expect(own).toEqual([
    'errors.ts',
    'loss.ts',
    'mean-squared-error.ts',
    'reduce-to-batch.ts',
    'validate.ts',
  ]);
});

it('getLoss keeps every loss, since any name may reach it', async () => {
  const { own } = await modulesKeptFor(packageDir, ['getLoss']);
  expect(own).toContain('poisson.ts');
  expect(own).toContain('ranking.ts');
});
