// `pnpm serve` as its own process (as a user runs it): loads a saved bundle from disk, answers
// POST /reply and /health, and appends POST /feedback to the log named by --feedback.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { startService, type ServiceProcess } from '../test/service-process.js';
import { saveBundle } from './bundle-files.js';

const fixture = await fixtureBundle();
const directory = await mkdtemp(join(tmpdir(), 'support-serve-'));
const logPath = join(directory, 'feedback.jsonl');
let service: ServiceProcess;
beforeAll(async () => {
  await saveBundle(join(directory, 'model'), fixture.bundle, fixture.modelBytes, fixture.cnnBytes);
  service = await startService(['--model', join(directory, 'model'), '--feedback', logPath]);
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await rm(directory, { recursive: true, force: true });
});

it('serves the saved bundle: replies as the assistant in this process does, and records feedback', async () => {
  const base = `http://127.0.0.1:${service.port}`;
  const text = fixture.test.texts[3]!;
  const reply = await (await fetch(`${base}/reply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) })).json();
  const expected = fixture.assistant.reply([text])[0]!;
  expect([reply.kind, reply.intent, reply.didYouMean.map((g: { intent: string }) => g.intent)]).toEqual([expected.kind, expected.intent, expected.didYouMean.map((g) => g.intent)]);
  expect(reply.confidence).toBeCloseTo(expected.confidence, 5); // WASM (1 thread) there, WASM here
  expect((await (await fetch(`${base}/health`)).json()).trainedAt).toBe(fixture.bundle.trainedAt);
  const recorded = await fetch(`${base}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, intent: 'card_arrival', source: 'agent' }) });
  expect(recorded.status).toBe(201);
  expect(JSON.parse(await readFile(logPath, 'utf8'))).toMatchObject({ text, intent: 'card_arrival', source: 'agent' });
  // No page built in this test's checkout state is assumed: GET / is the page or the one-line hint.
  const page = await fetch(`${base}/`);
  expect([200, 404]).toContain(page.status);
});
