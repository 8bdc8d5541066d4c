// The web page end to end in headless Chromium: a model trained here on MNIST is served
// with the Vite-built page, a digit is drawn on the canvas with the mouse, and the page's
// prediction (computed in the browser on Loom's WASM backend) is checked, both against the
// drawn digit and against the same model's output in Node for the same 784 inputs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { serializeModel } from '@loom-ml/layers';
import { initWasm } from '@loom-ml/wasm';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainAndEvaluate } from '../src/run.js';
import { launchChromium } from './chromium.js';
import { serveDirectory } from './static-server.js';

// Chromium from @sparticuz/chromium (or LOOM_CHROMIUM), launched at the top level so that a
// missing browser fails this file rather than skipping its tests.
const browser = await launchChromium();
const webRoot = fileURLToPath(new URL('../web', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'loom-mnist-web-'));
let server: { url: string; close(): Promise<void> } | undefined;
let modelBytes: Uint8Array;

describe('the digit page in headless Chromium', () => {
  beforeAll(async () => {
    // A real model: the MLP trained on 12,000 MNIST images for 2 epochs on the WASM backend.
    const wasm = await initWasm({ threads: 1, onNotice: () => {} });
    const result = await trainAndEvaluate(
      { model: 'mlp', epochs: 2, batchSize: 128, learningRate: 0.001, limit: 12000, threads: 1, seed: 7, outDir: join(work, 'runs') },
      () => {},
      [],
      { quiet: true },
    );
    expect(result.testAccuracy).toBeGreaterThan(0.9);
    const { loadModel } = await import('@loom-ml/layers/node');
    const model = await loadModel(result.modelPath);
    modelBytes = await serializeModel(model);
    model.dispose();
    await wasm.dispose();
    await tf.setBackend('cpu');

    const outDir = join(work, 'site');
    await build({ root: webRoot, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    mkdirSync(join(outDir, 'model'), { recursive: true });
    writeFileSync(join(outDir, 'model', 'mnist.loom'), modelBytes);
    server = await serveDirectory(outDir);
  }, 180_000);

  afterAll(async () => {
    await browser.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(server!.url);
    await page.waitForFunction(() => window.mnistDemo?.ready === true || window.mnistDemo?.error !== undefined, undefined, { timeout: 30_000 });
    const state = await page.evaluate(() => window.mnistDemo);
    expect(state?.error).toBeUndefined();
    return page;
  }

  /** Draws a polyline with the mouse in canvas coordinates (0..280). */
  async function stroke(page: Page, points: [number, number][]): Promise<void> {
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + points[0]![0], box.y + points[0]![1]);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
    await page.mouse.up();
  }

  it('loads the model on the WASM backend and recognises a drawn 1 and a drawn 0', async () => {
    const page = await openPage();
    expect(await page.locator('#status').textContent()).toMatch(/Ready: loom-wasm with 1 thread/);

    await stroke(page, [[150, 40], [145, 120], [140, 240]]);
    await expect.poll(() => page.locator('#prediction').textContent()).toBe('1');

    await page.click('#clear');
    const ellipse = Array.from({ length: 41 }, (_, i): [number, number] => [140 + 60 * Math.cos((2 * Math.PI * i) / 40), 140 + 95 * Math.sin((2 * Math.PI * i) / 40)]);
    await stroke(page, ellipse);
    await expect.poll(() => page.locator('#prediction').textContent()).toBe('0');
    await page.close();
  }, 60_000);

  it('computes the same probabilities in the browser as the model does in Node (atol 1e-4)', async () => {
    const page = await openPage();
    await stroke(page, [[80, 60], [200, 60], [120, 240]]); // a 7
    await page.waitForFunction(() => window.mnistDemo?.lastProbabilities !== undefined);
    const { lastInput, lastProbabilities } = (await page.evaluate(() => window.mnistDemo))!;
    const { deserializeModel } = await import('@loom-ml/layers');
    const model = deserializeModel(modelBytes);
    const expected = tf.tidy(() => Array.from(tf.softmax(model.apply(tf.tensor2d([lastInput!]), { training: false }) as tf.Tensor).dataSync()));
    model.dispose();
    lastProbabilities!.forEach((p, i) => expect(Math.abs(p - expected[i]!)).toBeLessThan(1e-4));
    await page.close();
  }, 60_000);

  it('shows a heat map of the predicted digit whose mass lies on the drawn strokes, with integrated gradients and SmoothGrad', async () => {
    const page = await openPage();
    await stroke(page, [[80, 60], [200, 60], [120, 240]]); // a 7
    await page.waitForFunction(() => window.mnistDemo?.lastHeatMap !== undefined);
    const { lastInput, lastProbabilities, lastHeatMap: ig } = (await page.evaluate(() => window.mnistDemo))!;
    const predicted = lastProbabilities!.indexOf(Math.max(...lastProbabilities!));
    expect(ig!.method).toBe('integrated-gradients');
    expect(ig!.digit).toBe(predicted);
    expect(await page.locator('#why-class').textContent()).toBe(`${predicted} (integrated gradients)`);
    // Completeness: the pixels add up to logit(drawing) − logit(blank), computed here in Node.
    const { deserializeModel } = await import('@loom-ml/layers');
    const model = deserializeModel(modelBytes);
    const [drawn, blank] = tf.tidy(() => {
      const logits = (model.apply(tf.tensor2d([lastInput!, new Array(784).fill(0)]), { training: false }) as tf.Tensor).arraySync() as number[][];
      return logits.map((row) => row[predicted]!);
    });
    model.dispose();
    const total = ig!.values.reduce((s, v) => s + v, 0);
    expect(Math.abs(total - (drawn! - blank!))).toBeLessThan(0.02 * Math.abs(drawn! - blank!) + 1e-3);

    // The strokes: pixels with ink, and (for SmoothGrad, whose noise reaches the background) the
    // pixels next to them.
    const ink = lastInput!.map((v) => v > 0);
    const nearInk = ink.map((_, k) => {
      const [row, col] = [Math.floor(k / 28), k % 28];
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) if (ink[(row + dr) * 28 + col + dc] && col + dc >= 0 && col + dc < 28) return true;
      return false;
    });
    const share = (values: number[], where: boolean[]) => values.reduce((s, v, k) => s + (where[k] ? Math.abs(v) : 0), 0) / values.reduce((s, v) => s + Math.abs(v), 0);
    const area = nearInk.filter(Boolean).length / 784;
    // Integrated gradients from a blank field give exactly 0 where there is no ink.
    expect(share(ig!.values, ink)).toBe(1);

    await page.check('input[value="smoothgrad"]');
    await page.waitForFunction(() => window.mnistDemo?.lastHeatMap?.method === 'smoothgrad');
    const smooth = (await page.evaluate(() => window.mnistDemo!.lastHeatMap))!;
    expect(smooth.digit).toBe(predicted);
    const smoothShare = share(smooth.values, nearInk);
    console.info(`heat map on the strokes: integrated gradients 100%, SmoothGrad ${(100 * smoothShare).toFixed(1)}% of |attribution| on ${(100 * area).toFixed(1)}% of the pixels`);
    // Measured: about 90% of the mass on about a quarter of the pixels (plain gradients: 31%).
    expect(smoothShare).toBeGreaterThan(Math.min(0.9, 2 * area));
    await page.close();
  }, 60_000);
});
