// The runners must fail an example that throws, rejects, hangs or reports an error in the page:
// a README test that passes a broken example is worse than none.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type Browser } from '@loom-ml/test-utils/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInBrowser, runInNode } from './run-example.js';

const scratch = mkdtempSync(join(tmpdir(), 'loom-run-example-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('runInNode', () => {
  it('passes a TypeScript program with top-level await and keeps what it printed', async () => {
    const result = await runInNode('const n: number = await Promise.resolve(41);\nconsole.log(n + 1);', 'ts', join(scratch, 'ok'), 30_000);
    expect(result).toMatchObject({ ok: true, output: '42' });
  });

  it('fails a program that throws, with its message', async () => {
    const result = await runInNode("throw new Error('No backend found in registry.');", 'js', join(scratch, 'throws'), 30_000);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/No backend found in registry\.[\s\S]*\[node exited with code 1\]/);
  });

  it('fails a program whose imported name is a type without `type` (verbatimModuleSyntax)', async () => {
    const dir = join(scratch, 'type-import');
    mkdirSync(dir);
    writeFileSync(join(dir, 'lib.mjs'), 'export const value = 1;\n'); // and, in its .d.ts, `export interface Options {}`
    const result = await runInNode("import { value, Options } from './lib.mjs';\nconst o: Options | undefined = undefined;\nconsole.log(value, o);", 'ts', dir, 30_000);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/does not provide an export named 'Options'/);
  });

  it('fails a program that never exits (a forgotten worker or timer)', async () => {
    const result = await runInNode('setInterval(() => {}, 1000);', 'js', join(scratch, 'hangs'), 2_000);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/did not finish within 2 s/);
  });
});

describe('runInBrowser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('passes a program that reads the picked file and a served one', async () => {
    const code = [
      "const file = document.querySelector<HTMLInputElement>('input[type=file]')!.files![0]!;",
      "const served = await (await fetch('/data/x.txt')).text();",
      'console.log(await file.text(), served, self.crossOriginIsolated);',
    ].join('\n');
    const result = await runInBrowser(browser, code, 'ts', join(scratch, 'page-ok'), { served: { 'data/x.txt': 'served' }, inputFile: { name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from('picked') } }, 30_000);
    expect(result).toMatchObject({ ok: true, output: '[console.log] picked served true' });
  });

  it('fails a program that rejects, logs an error, or cannot be bundled for the browser', async () => {
    const rejects = await runInBrowser(browser, "await Promise.reject(new Error('nope'));", 'js', join(scratch, 'page-rejects'), {}, 30_000);
    expect(rejects.ok).toBe(false);
    expect(rejects.output).toMatch(/\[example failed\] Error: nope/);
    const logsError = await runInBrowser(browser, "console.error('bad');", 'js', join(scratch, 'page-error'), {}, 30_000);
    expect(logsError).toMatchObject({ ok: false, output: '[console.error] bad' });
    const nodeOnly = await runInBrowser(browser, "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);", 'js', join(scratch, 'page-node'), {}, 30_000);
    expect(nodeOnly.ok).toBe(false);
    expect(nodeOnly.output).toMatch(/esbuild --bundle --platform=browser failed:[\s\S]*node:fs/);
  });
});
