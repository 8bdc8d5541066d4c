import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApiDocs } from './api-docs.mjs';

const folders = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A monorepo with one published package, `@loom-ml/fake` (entries `.` and `./node`), holding `files`. */
function fakeMonorepo(files) {
  const root = mkdtempSync(join(tmpdir(), 'loom-api-docs-'));
  folders.push(root);
  const all = {
    'tsconfig.base.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, types: [] } }),
    'packages/fake/package.json': JSON.stringify({
      name: '@loom-ml/fake',
      description: 'A fake package.',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './node': { types: './dist/node.d.ts', default: './dist/node.js' },
        './package.json': './package.json',
      },
    }),
    'packages/private/package.json': JSON.stringify({ name: '@loom-ml/private', private: true }),
    'packages/private/src/index.ts': 'export const notChecked = 1;\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const documented = {
  'packages/fake/src/index.ts': "export { scale, type ScaleOptions } from './scale.js';\n",
  'packages/fake/src/scale.ts': [
    '/** Options of `scale`. */',
    'export interface ScaleOptions { factor?: number }',
    '/** Multiplies `x` by `factor` (default 2). */',
    'export function scale(x: number, options: ScaleOptions = {}): number { return x * (options.factor ?? 2); }',
    '',
  ].join('\n'),
  'packages/fake/src/node.ts': "/** Reads a number from a file. */\nexport async function readNumber(path: string): Promise<number> { return path.length; }\n",
};

// Each case runs TypeDoc on a two-file package: a few seconds, more on a loaded machine.
describe('api-docs', { timeout: 60_000 }, () => {
  it('passes and writes the reference when every export of every entry has a doc comment', async () => {
    const root = fakeMonorepo(documented);
    const result = await buildApiDocs({ root });
    expect(result.undocumented).toEqual([]);
    expect(result.typedocErrors).toBe(false);
    expect(result.packages.map((p) => [p.name, p.entries.map((e) => e.subpath)])).toEqual([['@loom-ml/fake', ['.', './node']]]);
    expect(existsSync(join(root, 'docs/api/index.html'))).toBe(true);
  });

  it('names the package, export, entry and file of each export without a doc comment', async () => {
    const root = fakeMonorepo({
      ...documented,
      'packages/fake/src/scale.ts': 'export interface ScaleOptions { factor?: number }\n/** Multiplies. */\nexport function scale(x: number, options: ScaleOptions = {}): number { return x * (options.factor ?? 2); }\n',
      'packages/fake/src/node.ts': '// A line comment is not a doc comment.\nexport const readNumber = async (path: string): Promise<number> => path.length;\n',
    });
    const result = await buildApiDocs({ root, checkOnly: true });
    expect(result.undocumented).toEqual([
      { pkg: '@loom-ml/fake', entry: '@loom-ml/fake', name: 'ScaleOptions', kind: 'Interface', file: 'packages/fake/src/scale.ts' },
      { pkg: '@loom-ml/fake', entry: '@loom-ml/fake/node', name: 'readNumber', kind: 'Function', file: 'packages/fake/src/node.ts' },
    ]);
    expect(existsSync(join(root, 'docs/api'))).toBe(false);
  });

  it('does not count the comment TypeDoc copies from an extended interface', async () => {
    const root = fakeMonorepo({
      ...documented,
      'packages/fake/src/index.ts': "export { scale, type BaseOptions, type ScaleOptions } from './scale.js';\n",
      'packages/fake/src/scale.ts': [
        '/** Options every scaler takes. */',
        'export interface BaseOptions { name?: string }',
        'export interface ScaleOptions extends BaseOptions { factor?: number }',
        '/** Multiplies. */',
        'export function scale(x: number, options: ScaleOptions = {}): number { return x * (options.factor ?? 2); }',
        '',
      ].join('\n'),
    });
    const result = await buildApiDocs({ root, checkOnly: true });
    expect(result.undocumented.map((u) => u.name)).toEqual(['ScaleOptions']);
  });

  it('requires a comment on public methods and accessors, taking one from the interface method a class implements', async () => {
    const root = fakeMonorepo({
      ...documented,
      'packages/fake/src/index.ts': "export { scale, type ScaleOptions } from './scale.js';\nexport { Counter, type Countable } from './counter.js';\n",
      'packages/fake/src/counter.ts': [
        '/** Something that counts. */',
        'export interface Countable {',
        '  /** Adds one. */',
        '  increment(): void;',
        '  reset(): void;',
        '}',
        '/** A counter. */',
        'export class Counter implements Countable {',
        '  private count = 0;',
        '  increment(): void { this.count += 1; }',
        '  reset(): void { this.count = 0; }',
        '  get value(): number { return this.count; }',
        '  /** Documented. */',
        '  double(): number { return this.count * 2; }',
        '  private hidden(): void {}',
        '  protected forSubclasses(): void {}',
        '}',
        '',
      ].join('\n'),
    });
    const result = await buildApiDocs({ root, checkOnly: true });
    expect(result.undocumented.map((u) => [u.name, u.kind, u.file])).toEqual([
      ['Counter.value', 'Accessor', 'packages/fake/src/counter.ts'],
      ['Counter.reset', 'Method', 'packages/fake/src/counter.ts'],
      ['Countable.reset', 'Method', 'packages/fake/src/counter.ts'],
    ]);
  });

  it('skips a package listed as pending, and refuses a pending name that is not a package', async () => {
    const root = fakeMonorepo({ ...documented, 'packages/fake/src/node.ts': 'export const answer = 42;\n' });
    expect((await buildApiDocs({ root, checkOnly: true, pending: ['@loom-ml/fake'] })).undocumented).toEqual([]);
    await expect(buildApiDocs({ root, checkOnly: true, pending: ['@loom-ml/gone'] })).rejects.toThrow('PENDING names @loom-ml/gone');
  });

  it('refuses an exports entry whose source file does not exist', async () => {
    const root = fakeMonorepo({ 'packages/fake/src/index.ts': '/** One. */\nexport const one = 1;\n' });
    await expect(buildApiDocs({ root, checkOnly: true })).rejects.toThrow('@loom-ml/fake: the export "./node" has types ./dist/node.d.ts, but its source packages/fake/src/node.ts does not exist.');
  });
});
