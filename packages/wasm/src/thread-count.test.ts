import { describe, expect, it } from 'vitest';
import { resolveThreadCount } from './thread-count.js';

const node2 = { isNode: true, simd: true, sharedMemory: true, logicalCores: 2 };
const isolatedPage = { isNode: false, simd: true, sharedMemory: true, logicalCores: 16 };
const plainPage = { isNode: false, simd: true, sharedMemory: false, logicalCores: 8 };

describe('resolveThreadCount', () => {
  it("gives one thread per logical core for 'auto', capped at 8", () => {
    expect(resolveThreadCount('auto', node2)).toEqual({ threads: 2 });
    expect(resolveThreadCount('auto', isolatedPage)).toEqual({ threads: 8 });
  });

  it('honours an explicit count even above the core count', () => {
    expect(resolveThreadCount(2, node2)).toEqual({ threads: 2 });
    expect(resolveThreadCount(4, node2)).toEqual({ threads: 4 });
  });

  it("falls back to one thread with a one-line notice for 'auto' on a page that is not crossOriginIsolated", () => {
    const decision = resolveThreadCount('auto', plainPage);
    expect(decision.threads).toBe(1);
    expect(decision.notice).toMatch(/not crossOriginIsolated/);
    expect(decision.notice).not.toMatch(/\n/);
  });

  it('rejects an explicit thread count above 1 without shared memory, naming the headers to set', () => {
    expect(() => resolveThreadCount(2, plainPage)).toThrow(
      /^Invalid value for `threads` in initWasm\. Expected 1 or 'auto' because SharedArrayBuffer is unavailable .*Cross-Origin-Opener-Policy.*Received: 2\.$/,
    );
  });

  it.each([0, -1, 9, 1.5, Number.NaN, '2'])('rejects threads = %s', (threads) => {
    expect(() => resolveThreadCount(threads as number, node2)).toThrow(
      /^Invalid value for `threads` in initWasm\. Expected 'auto' or an integer from 1 to 8\. Received: .+\.$/,
    );
  });
});
