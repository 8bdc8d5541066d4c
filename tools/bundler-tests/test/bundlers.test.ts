// One sample program (sample/main.js: Loom's WASM backend, a dense model fitted with
// @loom-ml/train, saved to IndexedDB and loaded back) built by esbuild, Vite 7 and webpack 5 —
// the bundlers users have — and run in Chromium on a crossOriginIsolated page. Vite and webpack
// must find the .wasm binaries themselves (`new URL('./x.wasm', import.meta.url)` in
// @loom-ml/wasm); esbuild has no asset handling, so its build gets them copied next to it.
import { readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, callPage, gotoPageProgram, launchChromium, serveFolder, type FolderServer } from '@loom-ml/test-utils/browser';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import { afterAll, describe, expect, it } from 'vitest';

const sampleDir = fileURLToPath(new URL('../sample', import.meta.url));
const wasmDist = fileURLToPath(new URL('../node_modules/@loom-ml/wasm/dist', import.meta.url));

interface SampleResult {
  backend: string;
  threads: number;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  notices: string[];
  firstLoss: number;
  lastLoss: number;
  predictions: number[];
  reloadedPredictions: number[];
}

async function buildWithEsbuild(): Promise<string> {
  const bundle = await bundlePage({ entry: join(sampleDir, 'main.js'), assets: ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((name) => join(wasmDist, name)) });
  return bundle.dir;
}

async function buildWithVite(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'loom-vite-'));
  await viteBuild({ root: sampleDir, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

async function buildWithWebpack(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'loom-webpack-'));
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    // Production mode (tree shaking, sideEffects, module concatenation) without terser, which
    // would take most of the test's time and changes nothing the page checks.
    webpack({ mode: 'production', optimization: { minimize: false }, entry: join(sampleDir, 'main.js'), output: { path: outDir, filename: 'main.js' }, performance: { hints: false } }, (error, result) =>
      error || !result ? reject(error ?? new Error('webpack returned no stats')) : resolve(result),
    ),
  );
  if (stats.hasErrors()) throw new Error(`webpack: ${stats.toJson({ all: false, errors: true }).errors?.map((e) => e.message).join(' | ')}`);
  writeFileSync(join(outDir, 'index.html'), '<!doctype html><meta charset="utf-8"><script src="main.js"></script>\n');
  return outDir;
}

// At the top level, not in beforeAll: a missing browser or a failing build fails this file.
const browser = await launchChromium();
const builds: Record<string, string> = {};
for (const [name, build] of [['esbuild', buildWithEsbuild], ['Vite 7', buildWithVite], ['webpack 5', buildWithWebpack]] as const) builds[name] = await build();
const servers: FolderServer[] = [];
afterAll(async () => {
  await browser.close();
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(Object.values(builds).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the sample program built by each bundler, in Chromium under COOP/COEP', () => {
  it.each(Object.keys(builds))('%s: threaded WASM backend, the loss falls to ~0, IndexedDB round trip gives the same predictions', async (name) => {
    const dir = builds[name]!;
    // Both binaries (single-threaded and threaded SIMD), under whatever names the bundler gave them.
    expect(readdirSync(dir, { recursive: true }).filter((file) => String(file).endsWith('.wasm'))).toHaveLength(2);
    const server = await serveFolder(dir, { crossOriginIsolated: true });
    servers.push(server);
    const page = await browser.newPage();
    await gotoPageProgram(page, server.url);
    const result = await callPage<SampleResult>(page, 'run');
    await page.close();

    expect(result.backend).toBe('loom-wasm');
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.threads).toBe(Math.min(result.hardwareConcurrency, 8));
    expect(result.notices).toEqual([]);
    expect(result.lastLoss).toBeLessThan(result.firstLoss / 1000);
    // y = 2a - 3b + 0.5 at (1, 1) and (-0.5, 2); float32 after 30 full-batch sgd steps.
    result.predictions.forEach((value, i) => expect(Math.abs(value - [-0.5, -6.5][i]!)).toBeLessThan(1e-2));
    expect(result.reloadedPredictions).toEqual(result.predictions);
  });
});
