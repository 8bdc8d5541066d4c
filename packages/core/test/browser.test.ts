// @loom-ml/core in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) checks SHA-256, the container format and browser storage.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeContainer } from '../src/index.js';

// Written here in Node, fetched by the page: the same bytes on both sides.
const fromNode = encodeContainer({ metadata: { savedBy: 'node', classes: ['a', 'b'] }, tensors: [{ name: 'bias', dtype: 'float64', shape: [3], data: Float64Array.from([0.5, -1.25, 1e-3]) }] });

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  files: { 'models/from-node.loom': fromNode },
});
afterAll(() => opened.close());

describe('@loom-ml/core in Chromium', () => {
  it('computes SHA-256 with WebCrypto (FIPS 180-2 test vector for "abc")', async () => {
    expect(await opened.call('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('saves a container to IndexedDB and reads it back after the page reloads', async () => {
    await opened.call('saveToIndexedDb', 'weights');
    await opened.reload();
    expect(await opened.call('loadFromIndexedDb', 'weights')).toEqual({ metadata: { savedBy: 'page' }, tensors: [{ name: 'w', shape: [2, 2], values: [1, -2, 3.5, 4] }] });
  });

  it('loads a container written in Node from a relative URL, and one from a Blob', async () => {
    expect(await opened.call('loadFromUrl', 'models/from-node.loom')).toEqual({
      metadata: { savedBy: 'node', classes: ['a', 'b'] },
      tensors: [{ name: 'bias', shape: [3], values: [0.5, -1.25, 1e-3] }],
    });
    expect(await opened.call('loadFromBlob')).toEqual({ metadata: null, tensors: [{ name: 'ids', shape: [3], values: [7, -1, 9] }] });
  });

  it('stops a download past maxBytes and names the URL', async () => {
    const message = await opened.call<string>('refusal', 'models/from-node.loom', 16);
    expect(message).toMatch(/^FileRefusedError: The file at http:\/\/127\.0\.0\.1:\d+\/models\/from-node\.loom sent more than the limit of 16 bytes; the download was stopped \(raise maxBytes if you trust it\)\.$/);
    expect(await opened.call('refusal', 'models/missing.loom', 1000)).toMatch(/could not be fetched: HTTP 404/);
  });
});
