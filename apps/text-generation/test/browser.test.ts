// The page end to end in headless Chromium (one page load): a small GPT trained here is served
// with the Vite-built page, which loads it on Loom's WASM backend and writes a review token by
// token. Checked: the text grows one token at a time; every token the page chose is the most
// likely one by the same model in Node (greedy at temperature 0, and top-k 1 at temperature 1.5,
// which must also be greedy: the controls reach generate); the prompt starts with <neg><bos>.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { BpeTokenizer } from '@loom-ml/data';
import { deserializeModel, serializeModel } from '@loom-ml/layers';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_LAYERS } from '../src/condition.js';
import { BOS, SPECIAL_TOKENS, sentimentId, toSequences } from '../src/corpus.js';
import { buildModel } from '../src/model.js';
import { promptIds } from '../src/prompt.js';
import { trainModel } from '../src/train.js';
import { launchChromium } from './chromium.js';
import { serveDirectory } from './static-server.js';

// Chromium from @sparticuz/chromium (or LOOM_CHROMIUM), launched at the top level so that a
// missing browser fails this file rather than skipping its tests.
const browser = await launchChromium();
const webRoot = fileURLToPath(new URL('../web', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'loom-gpt-web-'));
let server: { url: string; close(): Promise<void> } | undefined;
let modelBytes: Uint8Array;
let tokenizer: BpeTokenizer;

const reviews = ['A wonderful film, I loved it.', 'Great acting and a moving story.', 'A terrible film, I hated it.', 'Awful acting and a boring story.'].map((text, i) => ({ text, label: i < 2 ? 1 : 0 }));

describe('the review page in headless Chromium', () => {
  beforeAll(async () => {
    tokenizer = BpeTokenizer.train(reviews.map((r) => r.text), { vocabularySize: 300, specialTokens: [...SPECIAL_TOKENS] });
    const model = buildModel({ vocabularySize: tokenizer.vocabularySize, context: 32, embeddingDim: 32, layers: 2, heads: 2, dropout: 0, broadcastPrefix: true }, 11);
    await trainModel(model, toSequences(tokenizer, reviews, 33), { epochs: 10, batchSize: 4, learningRate: 0.01, seed: 1 });
    modelBytes = await serializeModel(model);
    model.dispose();

    const outDir = join(work, 'site');
    await build({ root: webRoot, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    mkdirSync(join(outDir, 'model'), { recursive: true });
    writeFileSync(join(outDir, 'model', 'gpt.loom'), modelBytes);
    writeFileSync(join(outDir, 'model', 'gpt-tokenizer.json'), JSON.stringify(tokenizer));
    server = await serveDirectory(outDir);
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Checks in Node that each id the page produced is the most likely next token (logits within 1e-4 of the maximum: wasm vs cpu). */
  function expectGreedy(prompt: number[], ids: number[]): void {
    const model = deserializeModel(modelBytes, { customLayers: CUSTOM_LAYERS });
    const context = model.inputShapes[0]![0]!;
    const sequence = [...prompt, ...ids];
    expect(sequence.length).toBeLessThanOrEqual(context);
    const logits = tf.tidy(() => {
      const padded = new Int32Array(context);
      padded.set(sequence);
      return (model.apply(tf.tensor2d(padded, [1, context], 'int32')) as tf.Tensor).arraySync() as number[][][];
    });
    model.dispose();
    ids.forEach((id, i) => {
      const row = logits[0]![prompt.length - 1 + i]!;
      expect(Math.max(...row) - row[id]!).toBeLessThan(1e-4);
    });
  }

  it('writes token by token on the WASM backend with the temperature and top-k asked for', async () => {
    const page = await browser.newPage();
    await page.goto(server!.url);
    await page.waitForFunction(() => window.gptDemo?.ready === true || window.gptDemo?.error !== undefined, undefined, { timeout: 30_000 });
    expect((await page.evaluate(() => window.gptDemo))?.error).toBeUndefined();
    expect(await page.locator('#status').textContent()).toMatch(/^Ready: loom-wasm with \d+ thread/);

    const runs: { temperature: string; topK: string }[] = [{ temperature: '0', topK: '0' }, { temperature: '1.5', topK: '1' }];
    const results: number[][] = [];
    for (const { temperature, topK } of runs) {
      await page.fill('#prompt', 'A');
      await page.selectOption('#sentiment', 'neg');
      await page.fill('#temperature', temperature);
      await page.fill('#top-k', topK);
      await page.fill('#max-tokens', '20');
      await page.click('#generate');
      await page.waitForFunction(() => window.gptDemo?.running === false, undefined, { timeout: 30_000 });
      const state = (await page.evaluate(() => window.gptDemo))!;
      expect(state.error).toBeUndefined();
      expect(state.promptIds).toEqual(promptIds(tokenizer, 'A', 'neg'));
      expect(state.promptIds!.slice(0, 2)).toEqual([sentimentId('neg'), BOS]);
      const ids = state.ids!;
      expect(ids.length).toBeGreaterThan(2);
      // One snapshot of the text per token, each a prefix of the next: it was shown as it came.
      expect(state.shown).toHaveLength(ids.length);
      state.shown!.forEach((text, i) => i > 0 && expect(text.startsWith(state.shown![i - 1]!)).toBe(true));
      expect(await page.locator('#output').textContent()).toBe(`A${tokenizer.decode(ids, { skipSpecial: true })}`);
      expectGreedy(state.promptIds!, ids);
      results.push(ids);
    }
    expect(results[1]).toEqual(results[0]);
    await page.close();
  }, 90_000);
});
