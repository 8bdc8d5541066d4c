import { describe, expect, it } from 'vitest';
import { importedSpecifiers, installSpecs, packageOfImport, packageOfSpec, parseReadme } from './readme-blocks.js';

const fence = '```';

describe('parseReadme', () => {
  it('finds the install line, runnable blocks with their targets, and fragments with their reasons', () => {
    const text = [
      '# @loom-ml/thing',
      `${fence}sh`,
      'npm install @loom-ml/thing @tensorflow/tfjs-core@4.22.0',
      'npm install --save-dev fake-indexeddb   # only for the example below',
      fence,
      '## Example',
      `${fence}ts`,
      "import { a } from '@loom-ml/thing';",
      fence,
      '<!-- test: node, browser -->',
      '',
      `${fence}js`,
      'console.log(1);',
      fence,
      '<!-- test: continues -->',
      `${fence}ts`,
      'console.log(a);',
      fence,
      '## Output',
      '<!-- not-a-test: output of the bench -->',
      fence,
      'ratio 1.2x',
      fence,
    ].join('\n');
    const readme = parseReadme('packages/thing/README.md', text);
    expect(readme.problems).toEqual([]);
    expect(readme.install).toEqual({ line: 2, specs: ['@loom-ml/thing', '@tensorflow/tfjs-core@4.22.0', 'fake-indexeddb'], names: ['@loom-ml/thing', '@tensorflow/tfjs-core', 'fake-indexeddb'] });
    expect(readme.blocks.map(({ kind, name, line, targets, continues, reason }) => ({ kind, name, line, targets, continues, reason }))).toEqual([
      { kind: 'install', name: '# @loom-ml/thing › block 1', line: 2, targets: [], continues: false, reason: undefined },
      { kind: 'run', name: '## Example › block 1', line: 7, targets: ['node'], continues: false, reason: undefined },
      { kind: 'run', name: '## Example › block 2', line: 12, targets: ['node', 'browser'], continues: false, reason: undefined },
      { kind: 'run', name: '## Example › block 3', line: 16, targets: ['node'], continues: true, reason: undefined },
      { kind: 'fragment', name: '## Output › block 1', line: 21, targets: [], continues: false, reason: 'output of the bench' },
    ]);
    expect(readme.blocks[1]!.code).toBe("import { a } from '@loom-ml/thing';");
  });

  it('reports unmarked non-code blocks, markers without a reason, unknown options and a continuation with nothing before it', () => {
    const text = [
      '<!-- test: continues, headless -->',
      `${fence}ts`,
      'x;',
      fence,
      `${fence}sh`,
      'pnpm bench',
      fence,
      '<!-- not-a-test -->',
      `${fence}ts`,
      'type X = 1;',
      fence,
      `${fence}ts`,
      'unclosed',
    ].join('\n');
    expect(parseReadme('R.md', text).problems).toEqual([
      "R.md:2 ((top) › block 1): unknown test marker option(s) 'headless'; expected node, browser or continues.",
      "R.md:2 ((top) › block 1): 'continues' but no runnable block comes before it.",
      'R.md:5 ((top) › block 2): a ```sh block is not run; mark it <!-- not-a-test: reason --> if it is a fragment, a command or output.',
      'R.md:9 ((top) › block 3): <!-- not-a-test --> needs a reason: <!-- not-a-test: why -->.',
      'R.md:12: the code block is never closed.',
    ]);
  });

  it('reads only the comments directly above a fence, across blank lines', () => {
    const text = ['<!-- not-a-test: far away -->', 'Some prose.', '', `${fence}ts`, 'run();', fence].join('\n');
    const [block] = parseReadme('R.md', text).blocks;
    expect(block!.kind).toBe('run');
  });
});

describe('install lines and imports', () => {
  it('reads npm install lines only', () => {
    expect(installSpecs('npm install a @b/c@1.2.3 -D\nnpm i d # comment')).toEqual(['a', '@b/c@1.2.3', 'd']);
    expect(installSpecs('npm install a\npnpm build')).toBeUndefined();
    expect(installSpecs('')).toBeUndefined();
  });

  it('names the package of a spec and of an import', () => {
    expect(packageOfSpec('@tensorflow/tfjs-core@4.22.0')).toBe('@tensorflow/tfjs-core');
    expect(packageOfSpec('fake-indexeddb')).toBe('fake-indexeddb');
    expect(packageOfSpec('idb@8')).toBe('idb');
    expect(packageOfImport('@loom-ml/data/node')).toBe('@loom-ml/data');
    expect(packageOfImport('fake-indexeddb/auto')).toBe('fake-indexeddb');
    expect(packageOfImport('node:fs')).toBeUndefined();
  });

  it('finds static, side-effect, re-exported and literal dynamic imports', () => {
    const code = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-backend-cpu';",
      "import {\n  a,\n  b,\n} from '@loom-ml/data';",
      "export { c } from \"@loom-ml/core\";",
      "const m = await import('@loom-ml/wasm');",
      "const notAnImport = 'from x';",
    ].join('\n');
    expect(importedSpecifiers(code).sort()).toEqual(['@loom-ml/core', '@loom-ml/data', '@loom-ml/wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-core']);
  });
});
