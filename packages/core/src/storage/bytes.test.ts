import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileRefusedError } from '../errors.js';
import { downloadBytes, listStoredBytes, loadBytes, removeStoredBytes, saveBytes } from './bytes.js';

describe('IndexedDB (fake-indexeddb in Node)', () => {
  it('saves, lists, loads and removes bytes under indexeddb:// names', async () => {
    await saveBytes('indexeddb://digits', new Uint8Array([1, 2, 3]));
    await saveBytes('indexeddb://two-tower', new Uint8Array([4]));
    await saveBytes('indexeddb://digits', new Uint8Array([5, 6, 7, 8])); // replaces
    expect(await listStoredBytes()).toEqual(['indexeddb://digits', 'indexeddb://two-tower']);
    expect([...(await loadBytes('indexeddb://digits'))]).toEqual([5, 6, 7, 8]);
    await expect(loadBytes('indexeddb://digits', { maxBytes: 3, what: 'model' })).rejects.toThrow(
      new FileRefusedError('The model indexeddb://digits has 4 bytes, more than the limit of 3 (raise maxBytes if you trust it).'),
    );
    await removeStoredBytes('indexeddb://digits');
    await expect(loadBytes('indexeddb://digits', { what: 'model' })).rejects.toThrow(
      "The model indexeddb://digits does not exist (nothing was saved under that name in this origin's IndexedDB).",
    );
    await expect(saveBytes('indexeddb://', new Uint8Array(1))).rejects.toThrow(FileRefusedError);
  });
});

describe('Blob, File and bytes', () => {
  it('reads a Blob or File after checking its size, and returns bytes as a view', async () => {
    const file = new File([new Uint8Array([9, 8, 7])], 'digits.loom');
    expect([...(await loadBytes(file))]).toEqual([9, 8, 7]);
    await expect(loadBytes(file, { maxBytes: 2, what: 'model' })).rejects.toThrow("The model 'digits.loom' has 3 bytes, more than the limit of 2");
    await expect(loadBytes(new Blob([new Uint8Array(5)]), { maxBytes: 4 })).rejects.toThrow('The file (Blob) has 5 bytes');
    const buffer = new Uint8Array([1, 2, 3, 4]);
    expect(await loadBytes(buffer.subarray(1))).toEqual(new Uint8Array([2, 3, 4]));
    expect((await loadBytes(buffer.buffer)).buffer).toBe(buffer.buffer);
    await expect(loadBytes(buffer, { maxBytes: 3 })).rejects.toThrow(FileRefusedError);
  });

  it('refuses what is neither (a path in Node, a file: URL, a number)', async () => {
    await expect(loadBytes('models/digits.loom')).rejects.toThrow(
      "Invalid value for `source`: 'models/digits.loom'. Expected 'indexeddb://name', an http(s) URL, a Blob or File, or bytes (in Node.js, read files with the package's /node entry).",
    );
    await expect(loadBytes('file:///etc/passwd')).rejects.toThrow(FileRefusedError);
    await expect(loadBytes(42 as never)).rejects.toThrow('Invalid value for `source`: 42.');
    await expect(saveBytes('runs/x.loom', new Uint8Array(1))).rejects.toThrow("Expected 'indexeddb://name' or 'downloads://file-name'");
  });
});

describe('http(s) URLs (a server on 127.0.0.1)', () => {
  let server: Server;
  let base = '';
  let streamed = 0;
  let streamClosed: Promise<void> = Promise.resolve();
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/model.loom') {
        response.end(Buffer.from([1, 2, 3, 4, 5]));
      } else if (request.url === '/declared-huge') {
        response.writeHead(200, { 'content-length': String(2 ** 40) });
        response.write(Buffer.alloc(16));
      } else if (request.url === '/endless') {
        // No content-length; 64 KiB chunks until the client goes away (at most 256 MiB).
        streamed = 0;
        let close!: () => void;
        streamClosed = new Promise((resolve) => (close = resolve));
        const chunk = Buffer.alloc(65536, 7);
        const pump = () => {
          while (streamed < 256 * 2 ** 20 && !response.destroyed) {
            streamed += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        response.on('close', close);
        pump();
      } else if (request.url === '/never') {
        // Answers nothing: only the client's signal ends this request.
      } else {
        response.writeHead(404, 'Not Found').end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches bytes from a string or URL', async () => {
    expect([...(await loadBytes(`${base}/model.loom`))]).toEqual([1, 2, 3, 4, 5]);
    expect([...(await loadBytes(new URL('/model.loom', base)))]).toEqual([1, 2, 3, 4, 5]);
  });

  it('names the HTTP status of a failed request', async () => {
    await expect(loadBytes(`${base}/missing.loom`, { what: 'model' })).rejects.toThrow(`The model at ${base}/missing.loom could not be fetched: HTTP 404 Not Found.`);
  });

  it('refuses a declared content-length over maxBytes before reading the body', async () => {
    await expect(loadBytes(`${base}/declared-huge`, { maxBytes: 1000 })).rejects.toThrow(`The file at ${base}/declared-huge has 1099511627776 bytes, more than the limit of 1000`);
  });

  it('stops an endless body as soon as it passes maxBytes, while streaming', async () => {
    const heapBefore = process.memoryUsage().arrayBuffers;
    await expect(loadBytes(`${base}/endless`, { maxBytes: 2 ** 20 })).rejects.toThrow(
      `The file at ${base}/endless sent more than the limit of 1048576 bytes; the download was stopped (raise maxBytes if you trust it).`,
    );
    await streamClosed;
    // The server stopped long before its 256 MiB: the client cut the connection near the limit
    // (socket buffers let a few MiB through).
    expect(streamed).toBeLessThan(32 * 2 ** 20);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 2 ** 20);
  });

  it('aborts with the signal (a timeout on a server that never answers)', async () => {
    const error = await loadBytes(`${base}/never`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    const controller = new AbortController();
    controller.abort();
    await expect(loadBytes(`${base}/model.loom`, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});

describe('downloadBytes', () => {
  it('clicks an <a download> holding a Blob URL in a page', () => {
    const clicked: { href: string; download: string }[] = [];
    const anchor = { href: '', download: '', style: {} as Record<string, string>, click: () => clicked.push({ href: anchor.href, download: anchor.download }), remove: vi.fn() };
    vi.stubGlobal('document', { createElement: (tag: string) => (tag === 'a' ? anchor : null), body: { appendChild: vi.fn() } });
    try {
      downloadBytes(new Uint8Array([1, 2]), 'digits.loom');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('digits.loom');
    expect(clicked[0]!.href).toMatch(/^blob:/);
    expect(anchor.remove).toHaveBeenCalled();
  });

  it('says that it needs a page outside one', async () => {
    expect(() => downloadBytes(new Uint8Array(1), 'a.loom')).toThrow("A download of 'a.loom' needs a page (document); in Node.js write the bytes to a file instead.");
    await expect(saveBytes('downloads://a.loom', new Uint8Array(1))).rejects.toThrow(FileRefusedError);
  });
});
