import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencies } from './check-dependencies.mjs';

const folders = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A package folder with `manifest` merged into a two-entry exports map and the given files. */
function fakePackage(manifest, files) {
  const dir = mkdtempSync(join(tmpdir(), 'loom-check-deps-'));
  folders.push(dir);
  const full = {
    name: '@loom-ml/fake',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './node': { types: './dist/node.d.ts', default: './dist/node.js' },
      './package.json': './package.json',
    },
    peerDependencies: { '@tensorflow/tfjs-core': '4.22.x' },
    ...manifest,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(full));
  const defaults = { 'dist/index.d.ts': '', 'dist/node.js': '', 'dist/node.d.ts': '' };
  for (const [file, text] of Object.entries({ ...defaults, ...files })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

describe('checkDependencies', () => {
  it('accepts a package whose dependencies are exactly what both entries import', () => {
    const dir = fakePackage(
      { dependencies: { '@loom-ml/layers': '^0.1.0', 'typed-only': '1.0.0', 'found-at-run-time': '1.0.0' } },
      {
        'dist/index.js': "import * as tf from '@tensorflow/tfjs-core';\nexport * from './chunk-1.js';\n",
        'dist/chunk-1.js': "export { dense } from '@loom-ml/layers/deep/path';\n",
        'dist/index.d.ts': "import type { T } from 'typed-only';\nexport declare const x: T;\n",
        'dist/node.js':
          "import { readFile } from 'node:fs/promises';\nimport { join } from 'path';\nimport { dense } from '@loom-ml/fake';\n" +
          "import { createRequire } from 'node:module';\nconst file = createRequire(import.meta.url).resolve(`found-at-run-time/data/${name}`);\n",
      },
    );
    expect(checkDependencies(dir)).toEqual([]);
  });

  it('reports a dependency that no dist entry imports (the recommenders → datasets case)', () => {
    const dir = fakePackage(
      { dependencies: { '@loom-ml/layers': '^0.1.0', '@loom-ml/datasets': '^0.1.0' } },
      // An import inside a JSDoc example is not an import.
      { 'dist/index.js': "/** @example import { loadMnist } from '@loom-ml/datasets'; */\nimport { dense } from '@loom-ml/layers';\n" },
    );
    expect(checkDependencies(dir)).toEqual([
      "@loom-ml/fake: dependency '@loom-ml/datasets' is imported by none of its dist entries; move it to devDependencies if scripts, benches or tests need it, else remove it",
    ]);
  });

  it('reports an import that only devDependencies declare, naming the file that imports it', () => {
    const dir = fakePackage(
      { devDependencies: { '@loom-ml/data': 'workspace:^' } },
      { 'dist/index.js': "export {};\n", 'dist/node.js': "const data = await import('@loom-ml/data');\n" },
    );
    expect(checkDependencies(dir)).toEqual([
      "@loom-ml/fake: dist/node.js imports '@loom-ml/data', which is not in dependencies or peerDependencies (it is only a devDependency, which users do not get)",
    ]);
  });

  it('reports a type import the declarations need but the manifest does not declare', () => {
    const dir = fakePackage({}, { 'dist/index.js': 'export {};\n', 'dist/index.d.ts': "export type X = import('@loom-ml/optimizers').Optimizer;\n" });
    expect(checkDependencies(dir)).toEqual([
      "@loom-ml/fake: dist/index.d.ts imports '@loom-ml/optimizers', which is not in dependencies or peerDependencies",
    ]);
  });

  it('asks for a build when an exported file is missing', () => {
    const dir = fakePackage({}, {});
    expect(checkDependencies(dir)).toEqual(['@loom-ml/fake: dist/index.js not built; run `pnpm build` first']);
  });
});
