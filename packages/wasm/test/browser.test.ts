// initWasm in headless Chromium, from a page bundled out of the built dist: threaded on a
// crossOriginIsolated page (COOP/COEP), one SIMD thread with a notice on a plain page.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, callPage, gotoPageProgram, launchChromium, serveFolder, type FolderServer } from '@loom-ml/test-utils/browser';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface PageResult {
  threads: number;
  backend: string;
  values: number[];
  attention: number[];
  inPlace: { heapReachable: boolean; rows: number; first: number[]; last: number[] };
  notices: string[];
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const browser = await launchChromium();
const bundle = await bundlePage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir,
  assets: ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((name) => join(packageDir, 'dist', name)),
});
const servers: FolderServer[] = [];
afterAll(async () => {
  await browser.close();
  await Promise.all(servers.map((server) => server.close()));
  await bundle.remove();
});

async function runPage(crossOriginIsolated: boolean, threads: number | 'auto'): Promise<PageResult> {
  const server = await serveFolder(bundle.dir, { crossOriginIsolated });
  servers.push(server);
  const page = await browser.newPage();
  await gotoPageProgram(page, server.url);
  return callPage<PageResult>(page, 'matMulOnWasm', threads);
}

describe('initWasm in headless Chromium (page bundled from the built dist)', () => {
  // [[1,2],[3,4]] x [[5,6],[-7,0.5]] by hand: [[5-14, 6+1], [15-28, 18+2]] = [[-9, 7], [-13, 20]].
  const expected = [-9, 7, -13, 20];

  it('uses threads on a crossOriginIsolated page (COOP/COEP) and computes the matMul (atol 1e-5)', async () => {
    // Two threads, not 'auto', so the threaded build runs even where Chromium reports one core.
    const result = await runPage(true, 2);
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.threads).toBe(2);
    expect(result.notices).toEqual([]);
    expect(result.backend).toBe('loom-wasm');
    result.values.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(1e-5));
  });

  it('falls back to one SIMD thread with a one-line notice without COOP/COEP, and still computes the matMul', async () => {
    const result = await runPage(false, 'auto');
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.threads).toBe(1);
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatch(/not crossOriginIsolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    expect(result.notices[0]).not.toContain('\n');
    result.values.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(1e-5));
  });

  it('runs the fused attention with its helper worker on a threaded page (the main thread spins), bit-identical to one thread', async () => {
    const threaded = await runPage(true, 2);
    const single = await runPage(false, 1);
    expect(threaded.threads).toBe(2);
    expect(threaded.attention).toHaveLength(4 * 8 * 4);
    expect(threaded.attention).toEqual(single.attention);
  });

  it('runs a large xᵀ·dy in place on the heap, split with the helper worker on a threaded page, exactly (16384 · j)', async () => {
    const expectedRow = Array.from({ length: 64 }, (_, j) => 16384 * j);
    for (const [isolated, threads] of [[true, 2], [false, 1]] as const) {
      const { inPlace } = await runPage(isolated, threads);
      expect(inPlace.heapReachable).toBe(true);
      expect(inPlace.rows).toBe(64);
      expect(inPlace.first).toEqual(expectedRow);
      expect(inPlace.last).toEqual(expectedRow);
    }
  });
});
