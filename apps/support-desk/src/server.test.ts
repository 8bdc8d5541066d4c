import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeValue } from '@loom-ml/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { closingRequest, rawRequest } from '../test/raw-http.js';
import { FeedbackLog, readFeedback } from './feedback.js';
import { createSupportServer, SUPPORT_RATE_DEFAULTS } from './server.js';
import { RATE_DEFAULTS } from './options.js';

const fixture = await fixtureBundle();
const work = mkdtempSync(join(tmpdir(), 'support-server-'));
const webRoot = join(work, 'web');
mkdirSync(join(webRoot, 'assets'), { recursive: true });
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>chat</title>');
writeFileSync(join(webRoot, 'assets', 'main-abc.js'), 'console.log(1)');
const logPath = join(work, 'feedback.jsonl');
const { server, metrics } = createSupportServer(fixture, new FeedbackLog(logPath), { webRoot, rateLimit: 0, maxConnectionsPerClient: 100 });
let base = '';
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

const post = (path: string, body: string, type = 'application/json') => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

describe('POST /reply', () => {
  it("replies as the assistant does: the answer or a hand-off, the top 3 and similar training queries", async () => {
    const text = fixture.test.texts[0]!;
    const response = await post('/reply', JSON.stringify({ text }));
    expect(response.status).toBe(200);
    const body = await response.json();
    const expected = fixture.assistant.reply([text])[0]!;
    expect(body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(body.kind).toBe(body.confidence >= fixture.bundle.threshold ? 'answer' : 'handoff');
    expect(body.didYouMean).toHaveLength(3);
    expect(body.didYouMean[0].intent).toBe(body.intent);
    expect(body.similar).toHaveLength(3);
    expect(fixture.bundle.evidence.texts).toContain(body.similar[0].text);
    if (body.kind === 'answer') expect(body.answer).toMatchObject({ title: fixture.bundle.knowledgeBase.answers[body.intent]!.title, illustrative: true });
  });

  it('answers above the threshold and hands off below it', async () => {
    const replies = fixture.assistant.reply(fixture.test.texts.slice(0, 200));
    const kinds = new Set(replies.map((r) => r.kind));
    expect(kinds).toEqual(new Set(['answer', 'handoff']));
    for (const reply of replies) {
      expect(reply.kind === 'answer').toBe(reply.confidence >= fixture.bundle.threshold);
      expect(reply.answer === undefined).toBe(reply.kind === 'handoff');
    }
  });

  const long = 'x'.repeat(1001);
  const deep = `{"text": ${'['.repeat(10)}${']'.repeat(10)}}`;
  it.each([
    ['a missing text', '{}', 'application/json', 400, 'Invalid value for `text` in POST /reply. Expected a string of 1 to 1000 characters, not only spaces. Received: nothing.'],
    ['a number', '{"text": 42}', 'application/json', 400, 'Invalid value for `text` in POST /reply. Expected a string of 1 to 1000 characters, not only spaces. Received: 42.'],
    ['only spaces', '{"text": "   "}', 'application/json', 400, "Invalid value for `text` in POST /reply. Expected a string of 1 to 1000 characters, not only spaces. Received: '   '."],
    ['a text over 1000 characters', JSON.stringify({ text: long }), 'application/json', 400, "Invalid value for `text` in POST /reply. Expected a string of 1 to 1000 characters, not only spaces. Received: '1001 characters'."],
    ['a NUL character', JSON.stringify({ text: 'a\u0000b' }), 'application/json', 400, `Invalid value for \`text\` in POST /reply. Expected a string of 1 to 1000 characters, not only spaces. Received: ${describeValue('a\u0000b')}.`],
    ['an unknown field', '{"text": "hi", "texts": ["a"]}', 'application/json', 400, 'Invalid value for `texts` in POST /reply. Expected only the fields text. Received: [\'a\'].'],
    ['a JSON array', '["hi"]', 'application/json', 400, 'Invalid value for `body` in POST /reply. Expected a JSON object. Received: [\'hi\'].'],
    ['JSON null', 'null', 'application/json', 400, 'Invalid value for `body` in POST /reply. Expected a JSON object. Received: null.'],
    ['malformed JSON', '{"text": "hi"', 'application/json', 400, "Invalid value for `body` in POST /reply. Expected valid JSON. Received: '{\"text\": \"hi\"'."],
    ['an empty body', '', 'application/json', 400, "Invalid value for `body` in POST /reply. Expected valid JSON. Received: ''."],
    ['deep nesting', deep, 'application/json', 400, `Invalid value for \`body\` in POST /reply. Expected JSON nested at most 4 levels deep. Received: ${describeValue(deep)}.`],
    ['a non-JSON content type', 'text=hi', 'text/plain', 415, "Invalid value for `content-type` in POST /reply. Expected 'application/json' (optionally with '; charset=utf-8'). Received: 'text/plain'."],
  ])('rejects %s with a 4xx naming the field', async (_label, body, type, status, message) => {
    const response = await post('/reply', body, type);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: message });
  });

  it('rejects a body over 16 KiB with 413', async () => {
    const response = await post('/reply', JSON.stringify({ text: 'é'.repeat(9000) }));
    expect([response.status, (await response.json()).error]).toEqual([413, 'Request body too large: more than 16384 bytes.']);
  });
});

describe('POST /feedback', () => {
  it('appends one JSON line per correction, which retraining reads back', async () => {
    const first = await post('/feedback', JSON.stringify({ text: 'my new card is still not here', intent: 'card_arrival', predicted: 'card_delivery_estimate', source: 'agent' }));
    expect([first.status, await first.json()]).toEqual([201, { status: 'recorded', intent: 'card_arrival' }]);
    // Concurrent corrections: each is a whole line.
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => post('/feedback', JSON.stringify({ text: `query ${i}`, intent: 'exchange_rate' }))));
    expect(many.map((r) => r.status)).toEqual(new Array(20).fill(201));
    const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatchObject({ text: 'my new card is still not here', intent: 'card_arrival', predicted: 'card_delivery_estimate', source: 'agent' });
    expect(lines.slice(1).every((l) => l.source === 'customer' && l.intent === 'exchange_rate')).toBe(true);
    const read = await readFeedback(logPath, fixture.bundle.intents);
    expect(read.texts).toHaveLength(21);
    expect(read.labels[0]).toBe(fixture.bundle.intents.indexOf('card_arrival'));
  });

  it('skips a cut last line and unknown intents when reading the log back', async () => {
    const path = join(work, 'partial.jsonl');
    writeFileSync(path, '{"text":"a","intent":"card_arrival"}\n{"text":"b","intent":"no_such"}\n{"text":"c","inte');
    expect(await readFeedback(path, fixture.bundle.intents)).toEqual({ texts: ['a'], labels: [fixture.bundle.intents.indexOf('card_arrival')], skipped: 2 });
  });

  it.each([
    ['an unknown intent', { text: 'hi', intent: 'nope' }, 'Invalid value for `intent` in POST /feedback. Expected one of the 77 intent names (GET /model/bundle.json lists them). Received: \'nope\'.'],
    ['a missing intent', { text: 'hi' }, 'Invalid value for `intent` in POST /feedback. Expected one of the 77 intent names (GET /model/bundle.json lists them). Received: nothing.'],
    ['an inherited name as intent', { text: 'hi', intent: '__proto__' }, "Invalid value for `intent` in POST /feedback. Expected one of the 77 intent names (GET /model/bundle.json lists them). Received: '__proto__'."],
    ['a bad predicted intent', { text: 'hi', intent: 'card_arrival', predicted: 3 }, 'Invalid value for `predicted` in POST /feedback. Expected one of the 77 intent names (GET /model/bundle.json lists them). Received: 3.'],
    ['a bad source', { text: 'hi', intent: 'card_arrival', source: 'bot' }, "Invalid value for `source` in POST /feedback. Expected 'customer' or 'agent'. Received: 'bot'."],
    ['a missing text', { intent: 'card_arrival' }, 'Invalid value for `text` in POST /feedback. Expected a string of 1 to 1000 characters, not only spaces. Received: nothing.'],
    ['an unknown field', { text: 'hi', intent: 'card_arrival', time: 'now' }, "Invalid value for `time` in POST /feedback. Expected only the fields text, intent, predicted, source. Received: 'now'."],
  ])('rejects %s with a 400 and writes nothing', async (_label, body, message) => {
    const before = readFileSync(logPath, 'utf8');
    const response = await post('/feedback', JSON.stringify(body));
    expect([response.status, await response.json()]).toEqual([400, { error: message }]);
    expect(readFileSync(logPath, 'utf8')).toBe(before);
  });

  it('answers 507 when the log is full', async () => {
    // Room for one line of this size, not two.
    const lineBytes = JSON.stringify({ time: new Date().toISOString(), text: 'card not here', intent: 'card_arrival', source: 'customer' }).length + 1;
    const limit = Math.floor(1.5 * lineBytes);
    const full = createSupportServer(fixture, new FeedbackLog(join(work, 'small.jsonl'), limit), { rateLimit: 0 });
    await new Promise<void>((resolve) => full.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(full.server.address() as AddressInfo).port}/feedback`;
    const send = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'card not here', intent: 'card_arrival' }) });
    expect((await send()).status).toBe(201);
    const second = await send();
    expect(second.status).toBe(507);
    expect((await second.json()).error).toMatch(/^The feedback log .*small\.jsonl is full \(\d+ bytes\); run pnpm retrain and move it away\.$/);
    await new Promise<void>((resolve) => full.server.close(() => resolve()));
  });
});

describe('other routes', () => {
  it('serves health, the model files for the page, the page and its assets', async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', trainedAt: fixture.bundle.trainedAt, intents: 77, threshold: fixture.bundle.threshold });
    expect(await (await fetch(`${base}/model/bundle.json`)).text()).toBe(fixture.bundleText);
    // Compared as Buffers: toEqual on megabytes of bytes is slow enough for the idle keep-alive connection to time out.
    expect(Buffer.from(await (await fetch(`${base}/model/model.loom`)).arrayBuffer()).equals(Buffer.from(fixture.modelBytes))).toBe(true);
    // The fixture blends a word CNN: the page needs its network too.
    expect(fixture.bundle.cnn?.weight).toBeGreaterThan(0);
    expect(Buffer.from(await (await fetch(`${base}/model/cnn.loom`)).arrayBuffer()).equals(Buffer.from(fixture.cnnBytes))).toBe(true);
    const page = await fetch(`${base}/`);
    expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><title>chat</title>']);
    const asset = await fetch(`${base}/assets/main-abc.js`);
    expect([asset.status, asset.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('keeps asset names inside web/dist/assets', async () => {
    for (const path of ['/assets/../index.html', '/assets/%2e%2e%2fsecret', '/assets/.hidden', '/assets/a/b.js', '/assets/']) {
      const { status } = await rawRequest(port, closingRequest('GET', path));
      expect([path, status]).toEqual([path, 404]);
    }
  });

  it('exports Prometheus metrics: requests, replies by kind, confidence and feedback', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('# TYPE support_http_requests_total counter');
    expect(text).toMatch(/support_http_requests_total\{route="\/reply",method="POST",status="200"\} 1\n/);
    expect(text).toContain(`support_replies_total{kind="answer"} ${metrics.replies.answer}`);
    expect(metrics.replies.answer + metrics.replies.handoff).toBe(1);
    expect(text).toMatch(/support_reply_confidence_count 1\n/);
    expect(text).toMatch(/support_feedback_total 21\n/);
    expect(text).toContain('support_connections_refused_total 0');
  });

  it('answers 404, 405 with Allow, and 403 for a foreign Host', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const wrong = await fetch(`${base}/reply`);
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    const foreign = await rawRequest(port, closingRequest('GET', '/health', { host: 'evil.example' }));
    expect(foreign.status).toBe(403);
  });

  it('requires the API key on /reply, /feedback, /metrics and /model/* when one is set', async () => {
    const keyed = createSupportServer(fixture, new FeedbackLog(join(work, 'keyed.jsonl')), { apiKey: 'a-long-random-secret-key', rateLimit: 0 });
    await new Promise<void>((resolve) => keyed.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(keyed.server.address() as AddressInfo).port}`;
    for (const [method, path] of [['POST', '/reply'], ['POST', '/feedback'], ['GET', '/metrics'], ['GET', '/model/model.loom'], ['GET', '/model/cnn.loom'], ['GET', '/model/bundle.json']] as const) {
      const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"text":"hi"}' } : {}) });
      expect([path, response.status, response.headers.get('www-authenticate')]).toEqual([path, 401, 'Bearer realm="loom"']);
    }
    const ok = await fetch(`${url}/reply`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer a-long-random-secret-key' }, body: '{"text":"where is my card"}' });
    expect(ok.status).toBe(200);
    // Health without the key says only that the service is up.
    expect(Object.keys(await (await fetch(`${url}/health`)).json()).sort()).toEqual(['status', 'uptimeSeconds']);
    await new Promise<void>((resolve) => keyed.server.close(() => resolve()));
  });

  it('uses the rate defaults that pnpm serve --help shows', () => {
    expect(RATE_DEFAULTS).toEqual(SUPPORT_RATE_DEFAULTS);
  });
});
