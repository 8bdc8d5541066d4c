import { existsSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Needs Debian's chromium at /usr/bin/chromium (apt-get install chromium); nothing is downloaded.
const CHROMIUM = '/usr/bin/chromium';
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distEntry = join(packageDir, 'dist', 'index.js');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser.test.ts skipped: ${CHROMIUM} is missing (install Debian's chromium package).`);

interface PageResult {
  threads: number;
  backend: string;
  values: number[];
  notices: string[];
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

function serve(directory: string, isolated: boolean): Promise<Server> {
  const isolation: Record<string, string> = isolated
    ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
    : {};
  const server = createServer((request, response) => {
    if (request.url === '/') {
      response.writeHead(200, { ...isolation, 'Content-Type': 'text/html' });
      response.end('<!doctype html><script type="module" src="/app.js"></script>');
      return;
    }
    const file = join(directory, basename(request.url ?? ''));
    if (!existsSync(file)) {
      response.writeHead(404);
      response.end();
      return;
    }
    const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    response.writeHead(200, { ...isolation, 'Content-Type': type });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!hasChromium)('initWasm in headless chromium (page bundled from the built dist)', () => {
  let outDir = '';
  let browser: Browser | undefined;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'loom-wasm-browser-'));
    await build({
      entryPoints: [join(packageDir, 'test', 'fixtures', 'browser-page.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(outDir, 'app.js'),
      alias: { '@loom-ml/wasm': distEntry },
      nodePaths: [join(packageDir, 'node_modules')],
      logLevel: 'silent',
    });
    for (const binary of ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      copyFileSync(join(packageDir, 'dist', binary), join(outDir, binary));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
  });

  async function runPage(isolated: boolean): Promise<PageResult> {
    const server = await serve(outDir, isolated);
    const page = await browser!.newPage();
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => typeof (window as unknown as { runLoomWasm?: unknown }).runLoomWasm === 'function', null, {
        timeout: 10_000,
      });
      return await page.evaluate(() => (window as unknown as { runLoomWasm: () => Promise<PageResult> }).runLoomWasm());
    } finally {
      await page.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  // [[1,2],[3,4]] x [[5,6],[-7,0.5]] by hand: [[5-14, 6+1], [15-28, 18+2]] = [[-9, 7], [-13, 20]].
  const expected = [-9, 7, -13, 20];

  it('uses threads on a crossOriginIsolated page (COOP/COEP) and computes the matMul (atol 1e-5)', async () => {
    const result = await runPage(true);
    expect(result.crossOriginIsolated).toBe(true);
    // 'auto' is one thread per logical core, capped at 8.
    expect(result.threads).toBe(Math.min(Math.max(1, result.hardwareConcurrency), 8));
    expect(result.notices).toEqual([]);
    expect(result.backend).toBe('loom-wasm');
    result.values.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(1e-5));
  }, 20_000);

  it('falls back to one SIMD thread with a one-line notice without COOP/COEP, and still computes the matMul', async () => {
    const result = await runPage(false);
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.threads).toBe(1);
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatch(/not crossOriginIsolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    expect(result.notices[0]).not.toContain('\n');
    result.values.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(1e-5));
  }, 20_000);
});
