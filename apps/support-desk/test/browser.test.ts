// The chat page end to end in headless Chromium, in one page load: the page built by Vite and
// served by the app's own server (with a small real bundle) loads the model on Loom's WASM
// backend; with the network cut it still answers a typed query in the browser, the same reply
// as the assistant in Node; back online and switched to the server, the same page gets its
// reply from POST /reply; a hand-off's "did you mean" button records POST /feedback.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Reply } from '../src/assistant.js';
import { FeedbackLog } from '../src/feedback.js';
import { createSupportServer } from '../src/server.js';
import { launchChromium } from './chromium.js';
import { fixtureBundle } from './fixture-bundle.js';

// Chromium from @sparticuz/chromium (or LOOM_CHROMIUM), launched at the top level so that a
// missing browser fails this file rather than skipping its tests.
const browser = await launchChromium();
const fixture = await fixtureBundle();
const work = mkdtempSync(join(tmpdir(), 'support-web-'));
const webRoot = join(work, 'site');
const logPath = join(work, 'feedback.jsonl');
const { server, metrics } = createSupportServer(fixture, new FeedbackLog(logPath), { webRoot, rateLimit: 0 });
let base = '';
beforeAll(async () => {
  await build({ root: fileURLToPath(new URL('../web', import.meta.url)), logLevel: 'error', build: { outDir: webRoot, emptyOutDir: true } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await browser.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

/** Replies the page has shown so far. */
const shown = (page: import('playwright-core').Page) => page.evaluate(() => window.supportDemo!.replies);

it('answers offline in the browser, then through the server, and records a "did you mean" choice', { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.supportDemo?.ready === true || window.supportDemo?.error !== undefined, undefined, { timeout: 60_000 });
  expect(await page.evaluate(() => window.supportDemo!.error)).toBeUndefined();
  expect(await page.locator('#status').textContent()).toMatch(/^Ready: loom-wasm, 77 intents/);

  // Offline: the model in the page answers (a hand-off query, chosen so the page shows the buttons).
  const expected = fixture.assistant.reply(fixture.test.texts);
  const handoff = fixture.test.texts[expected.findIndex((r) => r.kind === 'handoff')]!;
  await page.context().setOffline(true);
  await page.fill('#query', handoff);
  await page.press('#query', 'Enter');
  await page.waitForSelector('#messages li[data-kind]');
  const [offline] = await shown(page);
  expect(offline!.mode).toBe('browser');
  const reference = fixture.assistant.reply([handoff])[0]!;
  expect(offline!.reply.kind).toBe('handoff');
  expect(offline!.reply.intent).toBe(reference.intent);
  expect(offline!.reply.confidence).toBeCloseTo(reference.confidence, 4); // WASM in Chromium against WASM in Node, float32
  expect(offline!.reply.didYouMean.map((g: { intent: string }) => g.intent)).toEqual(reference.didYouMean.map((g) => g.intent));
  expect(offline!.reply.similar.map((e: { text: string }) => e.text)).toEqual(reference.similar.map((e) => e.text));
  expect(await page.locator('#messages li[data-kind="handoff"] button').count()).toBe(3);
  expect(metrics.replies.answer + metrics.replies.handoff).toBe(0);

  // Online again, switched to the server: an answerable query goes to POST /reply.
  await page.context().setOffline(false);
  const answerable = fixture.test.texts[expected.findIndex((r) => r.kind === 'answer')]!;
  await page.check('input[name="mode"][value="server"]');
  await page.fill('#query', answerable);
  await page.press('#query', 'Enter');
  await page.waitForSelector('#messages li[data-kind="answer"]');
  const [, online] = await shown(page);
  expect(online!.mode).toBe('server');
  expect(online!.reply).toEqual(JSON.parse(JSON.stringify(fixture.assistant.reply([answerable])[0]!)) as Reply);
  expect(metrics.replies.answer).toBe(1);
  expect(await page.locator('#messages li[data-kind="answer"] .illustrative').textContent()).toBe('Illustrative answer written for this demo.');

  // The customer picks the second guess of the hand-off: one feedback line.
  const second = reference.didYouMean[1]!.intent;
  await page.click(`#messages li[data-kind="handoff"] button[data-intent="${second}"]`);
  await page.waitForFunction(() => window.supportDemo!.feedback.length === 1);
  expect(JSON.parse(readFileSync(logPath, 'utf8'))).toMatchObject({ text: handoff, intent: second, predicted: reference.intent, source: 'customer' });
  expect(pageErrors).toEqual([]);
});
