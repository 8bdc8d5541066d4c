import { fileURLToPath } from 'node:url';
import { modulesKeptFor } from '@loom-ml/test-utils/tree-shaking';
import { expect, it } from 'vitest';
// @ts-expect-error plain JS build helper without types
import { tfjsCoreInternals } from '../scripts/tfjs-core-internals-plugin.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// tfjs-backend-wasm stays out: initWasm imports it lazily, and esbuild (without code splitting)
// then wraps every module it shares with the entry, tfjs-core included, in lazy initialisers,
// which would hide what tree shaking keeps.
const options = { plugins: [tfjsCoreInternals()], external: ['@tensorflow/tfjs-backend-wasm'] };
// The bundled tfjs-core gradient configs and the shims of tfjs-core internals they import.
const isGradientCode = (module: string) => module.startsWith('tfjs-core-internal:') || module.includes('/gradients/');

it('an app that imports only LOOM_WASM_BACKEND gets none of the bundled gradient code', async () => {
  const { own, others } = await modulesKeptFor(packageDir, ['LOOM_WASM_BACKEND'], options);
  expect(own).not.toContain('gradient-configs.ts');
  expect(others.filter(isGradientCode)).toEqual([]);
});

it('registerGradients keeps every gradient config', async () => {
  const { own, others } = await modulesKeptFor(packageDir, ['registerGradients'], options);
  expect(own).toContain('gradient-configs.ts');
  expect(others.filter((module) => module.includes('/gradients/')).length).toBeGreaterThan(80);
});
