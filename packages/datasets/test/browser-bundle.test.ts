import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The main entry must bundle for a browser with no externals: no Node builtin may be reachable
// from it (the file loaders live in the ./node entry). Checks the built dist, as users get it.
describe('browser bundle', () => {
  it('bundles dist/index.js for the browser with no externals', async () => {
    const result = await build({
      entryPoints: [new URL('../dist/index.js', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from ["']node:|import\(["']node:/);
  });
});
