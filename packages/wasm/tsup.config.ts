import { copyFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
// @ts-expect-error plain JS build helper without types
import { bundledModules, shimmedModules, tfjsCoreInternals } from './scripts/tfjs-core-internals-plugin.mjs';

const require = createRequire(import.meta.url);

// Browsers and bundlers load the .wasm binaries from next to dist/index.js
// (`new URL('./x.wasm', import.meta.url)`); Node reads them from tfjs-backend-wasm directly.
function copyBinaries(): void {
  for (const name of ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    const source = require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${name}`);
    const temporary = `dist/${name}.tmp`;
    copyFileSync(source, temporary);
    renameSync(temporary, `dist/${name}`);
  }
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Only the deep gradient imports are bundled (see the plugin); the public entry stays external.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  esbuildPlugins: [tfjsCoreInternals()],
  async onSuccess() {
    copyBinaries();
    console.log(`tfjs-core internals: ${shimmedModules.size} re-exported from the public API, bundled: ${[...bundledModules].sort().join(', ')}`);
  },
});
