import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRecommendServer } from '../src/server.js';
import { launchChromium } from './chromium.js';
import { fixtureBundle } from './fixture-bundle.js';

// Chromium from @sparticuz/chromium (or LOOM_CHROMIUM), launched at the top level so that a
// missing browser fails this file rather than skipping its tests.
const browser = await launchChromium();
const server = createRecommendServer(await fixtureBundle());
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('picks two movies on the page and shows recommendations', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.fill('#search', 'alien');
  const likeButtons = page.locator('#results button', { hasText: 'like' });
  await expect.poll(() => likeButtons.count()).toBe(2);
  await likeButtons.nth(0).click();
  await likeButtons.nth(1).click();
  await expect.poll(() => page.locator('#liked li').allTextContents()).toEqual([
    'Alien (1979) Horror, Sci-Firemove',
    'Aliens (1986) Action, Horror, Sci-Firemove',
  ]);
  await page.click('#recommend');
  const recommendations = page.locator('#recommendations li');
  await expect.poll(() => recommendations.count()).toBeGreaterThan(0);
  const titles = await recommendations.allTextContents();
  // The rest of the sci-fi group comes first; the liked movies are never recommended.
  expect(titles.slice(0, 2).map((t) => t.split(' (')[0]).sort()).toEqual(['Predator', 'Terminator']);
  expect(titles.some((t) => t.startsWith('Alien'))).toBe(false);
  // Each recommendation says which liked movies it comes from (ALS item-item contributions).
  const reasons = await page.locator('#recommendations li .because').allTextContents();
  expect(reasons.length).toBeGreaterThan(0);
  expect(reasons[0]).toMatch(/^because you liked Aliens? \(19\d\d\)/);
  await page.close();
});

it('shows the server error when the search has no usable text', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  // Bypass the page's own empty check: ask the API directly from the page context.
  const error = await page.evaluate(async () => (await (await fetch('/api/movies?q=')).json()).error);
  expect(error).toBe("Invalid value for `q` in GET /api/movies. Expected a non-empty search text. Received: ''.");
  await page.close();
});
