import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dist = (name: string) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));

describe('the built main entry bundles for browsers', () => {
  it('esbuild --platform=browser with no externals succeeds and keeps no Node builtin', async () => {
    expect(existsSync(dist('index.js')), 'run the package build first').toBe(true);
    const result = await build({ entryPoints: [dist('index.js')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bfrom\s*["'](node:)?(fs|path|os|crypto|fs\/promises)["']/);
    expect(code).not.toMatch(/import\(\s*["']node:/);
  });

  it('the ./node entry is separate and holds the file writers', async () => {
    const result = await build({ entryPoints: [dist('node.js')], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent', external: ['@tensorflow/*'] });
    expect(result.outputFiles[0]!.text).toContain('checkpoint-epoch-');
  });
});
