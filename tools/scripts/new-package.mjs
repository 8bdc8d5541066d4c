#!/usr/bin/env node
// Creates packages/<name> with Loom's package layout:
//   node tools/scripts/new-package.mjs <name> "<one-line description>"
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [name, description = ''] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('Usage: node tools/scripts/new-package.mjs <kebab-case-name> "<description>"');
  process.exit(1);
}
const dir = resolve(import.meta.dirname, '../../packages', name);
if (existsSync(dir)) {
  console.error(`packages/${name} already exists.`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });

const files = {
  'package.json': JSON.stringify(
    {
      name: `@loom-ml/${name}`,
      version: '0.0.0',
      description,
      license: 'Apache-2.0',
      type: 'module',
      sideEffects: false,
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
      files: ['dist', 'CHANGELOG.md'],
      scripts: {
        build: 'tsup',
        typecheck: 'tsc --noEmit -p tsconfig.json',
      },
      peerDependencies: { '@tensorflow/tfjs-core': '4.22.x' },
      devDependencies: {
        '@loom-ml/test-utils': 'workspace:*',
        '@tensorflow/tfjs-backend-cpu': '4.22.0',
        '@tensorflow/tfjs-core': '4.22.0',
      },
      publishConfig: { access: 'public' },
      repository: { type: 'git', url: 'git+https://github.com/loom-ml/loom.git', directory: `packages/${name}` },
    },
    null,
    2,
  ) + '\n',
  'tsconfig.json': JSON.stringify(
    { extends: '../../tsconfig.base.json', include: ['src', 'test', 'bench', '*.config.ts'] },
    null,
    2,
  ) + '\n',
  'tsup.config.ts': `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
`,
  'vitest.config.ts': `import { defineLoomProject } from '@loom-ml/test-utils/vitest-project';

export default defineLoomProject({ name: '${name}' });
`,
  'src/index.ts': `// Public API of @loom-ml/${name}: an explicit list of named re-exports.\nexport {};\n`,
  'README.md': `# @loom-ml/${name}\n\n${description}\n`,
};
for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
console.log(`created packages/${name}`);
