/** What the running JavaScript environment offers the WASM backend. */
export interface WasmEnvironment {
  /** Running under Node.js (worker_threads and the file system are available). */
  isNode: boolean;
  /** WebAssembly SIMD (the 128-bit vector instructions) validates. */
  simd: boolean;
  /** SharedArrayBuffer exists and threads can share memory (always in Node; in browsers only when `crossOriginIsolated`). */
  sharedMemory: boolean;
  /** Logical cores reported by the platform (`os.cpus()` or `navigator.hardwareConcurrency`). */
  logicalCores: number;
}

// A tiny module using one SIMD instruction (the probe tfjs-backend-wasm itself uses, from
// GoogleChromeLabs/wasm-feature-detect).
const SIMD_PROBE = /* @__PURE__ */ new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);

/** True when this is Node.js rather than a browser or a worker. */
export function isNodeRuntime(): boolean {
  const processLike = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof processLike?.versions?.node === 'string';
}

/**
 * Probes SIMD, shared memory and the core count.
 *
 * @example
 * const { simd, sharedMemory } = await detectEnvironment();
 */
export async function detectEnvironment(): Promise<WasmEnvironment> {
  const isNode = isNodeRuntime();
  let simd = false;
  try {
    simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    simd = false;
  }
  const global = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const hasSharedArrayBuffer = typeof SharedArrayBuffer === 'function';
  const sharedMemory = isNode ? hasSharedArrayBuffer : hasSharedArrayBuffer && global.crossOriginIsolated === true;
  let logicalCores = 1;
  if (isNode) {
    const os = (await importNodeBuiltin('node:os')) as typeof import('node:os');
    logicalCores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } else if (typeof global.navigator?.hardwareConcurrency === 'number') {
    logicalCores = global.navigator.hardwareConcurrency;
  }
  return { isNode, simd, sharedMemory, logicalCores: Math.max(1, logicalCores) };
}

/**
 * Imports a Node built-in through a computed specifier so browser bundlers leave it alone;
 * it is only reached when `isNodeRuntime()` is true.
 */
export function importNodeBuiltin(specifier: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}
