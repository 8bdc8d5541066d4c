import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { TabularRow } from '@loom-ml/fraud-detection';
import { loadImportedModel } from '../src/model-bundle.js';
import { createFraudServer } from '../src/server.js';
import { launchChromium } from './chromium.js';
import { fixtureModel, riskiestRow } from './fixture-bundle.js';

// Chromium from @sparticuz/chromium (or LOOM_CHROMIUM), launched at the top level so that a
// missing browser fails this file rather than skipping its tests.
const browser = await launchChromium();
const fixture = await fixtureModel();
const { server } = createFraudServer(fixture.bundle, { minimumForDrift: 20 });
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const score = (body: unknown) => fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('draws the score distribution, the PR curve and drift from data, and shows a flagged loan with its explanation', async () => {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-loaded="true"]');
  // 20 score bins per class, with bars of non-zero height where the test split has loans.
  expect(await page.locator('#scores-chart rect.bar-good').count()).toBe(20);
  const heights = await page.locator('#scores-chart rect.bar-bad').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
  expect(heights.filter((h) => h > 0).length).toBeGreaterThan(2);
  const prPoints = (await page.locator('#pr-line').getAttribute('points'))!.trim().split(' ');
  expect(prPoints.length).toBeGreaterThan(20);
  expect(await page.locator('#operating-point').count()).toBe(1);
  expect(await page.locator('#drift-note').textContent()).toContain('Waiting for traffic');
  expect(await page.locator('#alerts tr').count()).toBe(0);

  // Ordinary traffic (training loans) for drift, then one risky loan.
  const batch = fixture.rows.slice(0, 40).map((row, i) => ({ id: `ok-${i}`, ...row }));
  expect((await score({ transactions: batch })).status).toBe(200);
  const risky = (await (await score({ id: 'risky-1', ...riskiestRow(fixture) })).json()) as { decision: string; explanation: string; anomalyScore: number };
  expect(risky.decision).toBe('review');

  const alert = page.locator('#alerts tr', { hasText: 'risky-1' });
  await expect.poll(() => alert.count(), { timeout: 10_000 }).toBe(1);
  const explanation = await alert.locator('td.explanation').textContent();
  expect(explanation).toBe(risky.explanation);
  expect(await alert.locator('td.anomaly').textContent()).toBe(risky.anomalyScore.toFixed(3));
  expect(await page.locator('#anomaly-info').textContent()).toMatch(/^Anomaly column: isolation forest trained without labels.*Not a fraud probability.*ROC-AUC 0\.\d{3}\.$/);
  expect(explanation).toMatch(/^[a-z_0-9]+ [+-]\d+\.\d\d(, [a-z_0-9]+ [+-]\d+\.\d\d){2}$/);
  await expect.poll(() => page.locator('#scores-chart #recent-scores').count()).toBe(1);
  await expect.poll(() => page.locator('#drift-chart rect.drift-bar').count()).toBe(22);
  await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/fraud-service-dashboard.png`, fullPage: true });
  expect(pageErrors).toEqual([]);
  await page.close();
}, 30_000); // about 4 s alone; the whole suite on 2 cores can slow it past vitest's 5 s default

it('shows the server error when the summary cannot be read', async () => {
  const page = await browser.newPage();
  await page.route('**/api/summary', (route) => route.fulfill({ status: 503, body: '{}' }));
  await page.goto(`${base}/`);
  await expect.poll(() => page.locator('#error').textContent()).toBe('GET /api/summary answered 503');
  await page.close();
}, 30_000);

it('serves the dashboard of a model trained by XGBoost: no test-split curves or anomaly column, its alerts shown', async () => {
  const fixtures = new URL('./fixtures/xgboost/', import.meta.url);
  const scorer = await loadImportedModel(new URL('xgboost.json', fixtures).pathname, new URL('encoder.json', fixtures).pathname, { threshold: 0.1 });
  const { rows } = JSON.parse(await readFile(new URL('expected.json', fixtures), 'utf8')) as { rows: TabularRow[] };
  const imported = createFraudServer(scorer).server;
  await new Promise<void>((resolve) => imported.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(imported.address() as AddressInfo).port}`;
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    const response = await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactions: rows.map((row, i) => ({ id: `x-${i}`, ...row })) }) });
    const flagged = ((await response.json()) as { results: { decision: string }[] }).results.filter((r) => r.decision === 'review').length;
    expect(flagged).toBeGreaterThan(0);
    await page.goto(`${url}/`);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.locator('#model-info').textContent()).toBe('XGBoost binary:logistic, 30 trees (xgboost.json) (imported) · review threshold 0.100 (given with --threshold)');
    expect(await page.locator('#pr-section').isHidden()).toBe(true);
    expect(await page.locator('#anomaly-info').textContent()).toBe('No anomaly column: an imported model is served without an isolation forest.');
    expect(await page.locator('#scores-chart #recent-scores').count()).toBe(1);
    expect(await page.locator('#alerts tr').count()).toBe(flagged);
    expect(await page.locator('#alerts tr td.anomaly').first().textContent()).toBe('–');
    expect(pageErrors).toEqual([]);
  } finally {
    await page.close();
    await new Promise<void>((resolve) => imported.close(() => resolve()));
  }
}, 30_000);
