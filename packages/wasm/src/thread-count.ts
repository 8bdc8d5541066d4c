import { invalidValue, WasmError } from './errors.js';
import type { WasmEnvironment } from './environment.js';

/** The XNNPACK pool in tfjs-backend-wasm 4.22.0 is capped at 8 threads (8 pre-created workers). */
export const MAX_THREADS = 8;

/** How many threads to use: `'auto'` (one per logical core, when threads are possible) or an exact count. */
export type ThreadsOption = 'auto' | number;

export interface ThreadDecision {
  threads: number;
  /** A one-line notice for the user when `'auto'` had to fall back to one thread. */
  notice?: string;
}

/**
 * Turns the `threads` option into a concrete count for this environment.
 *
 * @example
 * resolveThreadCount(2, { isNode: true, simd: true, sharedMemory: true, logicalCores: 2 }); // { threads: 2 }
 */
export function resolveThreadCount(requested: ThreadsOption, environment: WasmEnvironment): ThreadDecision {
  if (requested === 'auto') {
    if (!environment.sharedMemory) {
      return {
        threads: 1,
        notice:
          '@loom-ml/wasm: running single-threaded SIMD because this page is not crossOriginIsolated; ' +
          'serve it with "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" to enable threads.',
      };
    }
    return { threads: Math.min(Math.max(1, environment.logicalCores), MAX_THREADS) };
  }
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > MAX_THREADS) {
    throw invalidValue('threads', 'initWasm', `'auto' or an integer from 1 to ${MAX_THREADS}`, requested);
  }
  if (requested > 1 && !environment.sharedMemory) {
    throw new WasmError(
      `Invalid value for \`threads\` in initWasm. Expected 1 or 'auto' because SharedArrayBuffer is unavailable ` +
        `(the page is not crossOriginIsolated: serve it with "Cross-Origin-Opener-Policy: same-origin" and ` +
        `"Cross-Origin-Embedder-Policy: require-corp"). Received: ${requested}.`,
    );
  }
  return { threads: requested };
}
