import 'fake-indexeddb/auto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FileRefusedError, listStoredBytes, removeStoredBytes } from '@loom-ml/core';
import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.js';
import { ImplicitAls } from './implicit-als.js';
import { seededRandom } from './rng.js';
import { loadRecommender, saveRecommender } from './recommender-storage.js';
import { serializeRecommender } from './serialization.js';

const random = seededRandom(4);
const events = Array.from({ length: 80 }, () => ({ user: `u${Math.floor(random() * 10)}`, item: `i${Math.floor(random() * 9)}` }));
const { users, items, matrix } = buildInteractions(events);
const als = new ImplicitAls({ factors: 3, epochs: 3, seed: 1 }).fit(matrix);
const expected = als.recommend(0, 4);

describe('saveRecommender / loadRecommender of the main entry (browser storage)', () => {
  it('round-trips through IndexedDB, with the same bytes as serializeRecommender', async () => {
    await saveRecommender(als, 'indexeddb://recommenders-test', { users, items });
    expect(await listStoredBytes()).toContain('indexeddb://recommenders-test');
    const loaded = await loadRecommender('indexeddb://recommenders-test');
    expect(loaded.model.recommend(0, 4)).toEqual(expected);
    expect(loaded.users?.toArray()).toEqual(users.toArray());
    await removeStoredBytes('indexeddb://recommenders-test');
    await expect(loadRecommender('indexeddb://recommenders-test')).rejects.toThrow(FileRefusedError);
  });

  it('loads from bytes and from a Blob', async () => {
    const bytes = serializeRecommender(als, { users, items });
    expect((await loadRecommender(bytes)).model.recommend(0, 4)).toEqual(expected);
    expect((await loadRecommender(new Blob([bytes as Uint8Array<ArrayBuffer>]))).model.recommend(0, 4)).toEqual(expected);
    await expect(loadRecommender(new Blob([bytes as Uint8Array<ArrayBuffer>]), { maxBytes: 64 })).rejects.toThrow(FileRefusedError);
  });

  it('loads from an http URL, stopping a download that passes maxBytes', async () => {
    const bytes = serializeRecommender(als, { users, items });
    const server = createServer((request, response) => {
      // /huge claims nothing about its length and sends more than it should.
      if (request.url === '/huge') {
        response.writeHead(200);
        for (let i = 0; i < 64; i++) response.write(new Uint8Array(64 * 1024));
        response.end();
        return;
      }
      response.writeHead(200, { 'content-length': String(bytes.length) });
      response.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await loadRecommender(`${base}/als.loom`, { signal: AbortSignal.timeout(10_000) })).model.recommend(0, 4)).toEqual(expected);
      await expect(loadRecommender(`${base}/huge`, { maxBytes: 100_000 })).rejects.toThrow(FileRefusedError);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
