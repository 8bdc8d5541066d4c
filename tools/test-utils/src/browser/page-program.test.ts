import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePage, openPage, serveFolder } from './page-program.js';

const scratch = mkdtempSync(join(tmpdir(), 'loom-page-program-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('bundlePage', () => {
  it('refuses a program that reaches a Node builtin, as a user’s browser bundle would', async () => {
    const entry = join(scratch, 'uses-fs.js');
    writeFileSync(entry, "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n");
    await expect(bundlePage({ entry })).rejects.toThrow(/Could not resolve "node:fs"/);
  });
});

describe('serveFolder', () => {
  it('serves files with their content type, COOP/COEP when asked, and nothing outside the folder', async () => {
    writeFileSync(join(scratch, 'secret.txt'), 'not served');
    const site = mkdtempSync(join(scratch, 'site-'));
    writeFileSync(join(site, 'data.csv'), 'a,b\n1,2\n');
    const server = await serveFolder(site, { crossOriginIsolated: true });
    try {
      const csv = await fetch(`${server.url}data.csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(csv.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await csv.text()).toBe('a,b\n1,2\n');
      for (const path of ['../secret.txt', '%2e%2e/secret.txt', '%2e%2e%2fsecret.txt', 'missing.csv']) {
        expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
      }
    } finally {
      await server.close();
    }
  });
});

describe('openPage', () => {
  it('runs a bundled program in Chromium: crossOriginIsolated with COOP/COEP, SharedArrayBuffer shared with two workers', async () => {
    const entry = join(scratch, 'threads.ts');
    writeFileSync(
      entry,
      `import { exposeToTest } from '@loom-ml/test-utils/page';
const worker = 'onmessage = (event) => { Atomics.add(new Int32Array(event.data), 0, 1); postMessage(0); };';
exposeToTest({
  async countWithWorkers(workers: number) {
    const shared = new SharedArrayBuffer(4);
    const url = URL.createObjectURL(new Blob([worker], { type: 'text/javascript' }));
    await Promise.all(Array.from({ length: workers }, () => new Promise((done) => { const w = new Worker(url); w.onmessage = done; w.postMessage(shared); })));
    return { isolated: self.crossOriginIsolated, count: Atomics.load(new Int32Array(shared), 0) };
  },
});
`,
    );
    const opened = await openPage({ entry, alias: { '@loom-ml/test-utils/page': new URL('../page.ts', import.meta.url).pathname }, crossOriginIsolated: true });
    try {
      expect(await opened.call('countWithWorkers', 2)).toEqual({ isolated: true, count: 2 });
      await expect(opened.call('missing')).rejects.toThrow(/exposes no function 'missing' \(it has countWithWorkers\)/);
    } finally {
      await opened.close();
    }
  });
});
