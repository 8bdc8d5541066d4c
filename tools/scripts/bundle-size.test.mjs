import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTable, measureCase } from './bundle-size.mjs';

const folders = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function fakePackage(indexJs) {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bundle-size-'));
  folders.push(dir);
  const manifest = { name: '@loom-ml/fake', type: 'module', sideEffects: false, exports: { '.': './dist/index.js' } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist/index.js'), indexJs);
  return dir;
}

describe('measureCase', () => {
  it('measures what one import keeps, and only that', async () => {
    const dir = fakePackage(`export const small = () => 1;\nexport const big = () => '${'x'.repeat(5000)}';\n`);
    const result = await measureCase(dir, { package: '@loom-ml/fake', imports: ['small'] }, dir, new Map());
    expect(result.error).toBeUndefined();
    expect(result.min).toBeLessThan(100);
    expect(result.wholeGzip).toBeGreaterThan(result.gzip);
    expect(formatTable([{ ...result, maxGzip: 1024, maxTotalGzip: 2048 }])).toContain('| `@loom-ml/fake` | `small` | ');
  });

  it('fails a main entry that reaches a Node builtin, naming the file, line and fix', async () => {
    const dir = fakePackage(`import { readFile } from 'node:fs/promises';\nexport const load = (path) => readFile(path);\n`);
    const result = await measureCase(dir, { package: '@loom-ml/fake', imports: ['load'] }, dir, new Map());
    expect(result.error).toBe(
      "`export { load } from '@loom-ml/fake';` does not bundle for the browser (esbuild, platform browser, no externals): " +
        'dist/index.js:1: Could not resolve "node:fs/promises" (a Node builtin reachable from the main entry; Node-only code belongs in the ./node entry)',
    );
    expect(formatTable([result])).toContain('does not bundle for the browser');
  });
});
