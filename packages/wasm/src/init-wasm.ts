import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, WasmError } from './errors.js';
import { detectEnvironment } from './environment.js';
import { startAttentionHelper, stopAttentionHelper } from './kernels/attention-helper.js';
import { loadWasmModule, type WasmModule } from './load-wasm-module.js';
import { registerGradients } from './register-gradients.js';
import { registerTrainingKernels } from './register-training-kernels.js';
import { resolveThreadCount, type ThreadsOption } from './thread-count.js';
import { assertPinnedVersions } from './version-check.js';
import type { WasmPaths } from './wasm-paths.js';

/** The name Loom's backend is registered under with tfjs-core. */
export const LOOM_WASM_BACKEND = 'loom-wasm';

/** Options of `initWasm`: threads, where the `.wasm` files are served from, and backend registration. */
export interface InitWasmOptions {
  /** `'auto'` (default): one thread per logical core (max 8) when shared memory is available, else 1. Or an exact count 1..8. */
  threads?: ThreadsOption;
  /** Where the `.wasm` binaries are served from, when the default (next to this package's `dist/index.js`) does not fit. */
  wasmPaths?: WasmPaths;
  /** Make `loom-wasm` the active tfjs backend. Default true. */
  setActive?: boolean;
  /** Backend priority passed to `tf.registerBackend`. Default 3 (above tfjs's own wasm at 2). */
  priority?: number;
  /** Called with the one-line notice when threads were requested as `'auto'` but are unavailable. Default `console.warn`. */
  onNotice?: (message: string) => void;
}

/** What `initWasm` resolves to: the backend's name, its thread count and `dispose` to remove it. */
export interface WasmBackendHandle {
  /** The registered backend name, `'loom-wasm'`. */
  backendName: string;
  /** Threads in the XNNPACK pool, as reported by the wasm module. */
  threads: number;
  /**
   * Removes the backend, frees its memory and terminates its worker threads. (A Node process
   * that never calls it still exits: the workers do not hold it open.) Tensors that live on it
   * become unusable. If `loom-wasm` was active, the backend that
   * was active before `initWasm` is restored (when it is still registered).
   */
  dispose(): Promise<void>;
}

interface StockWasmExports {
  BackendWasm: new (module: WasmModule) => tf.KernelBackend;
  setThreadsCount(count: number): void;
  version_wasm: string;
}

let activeHandle: WasmBackendHandle | null = null;

/**
 * Starts the SIMD (and, with threads > 1, multi-threaded) WebAssembly backend, registers the
 * training kernels and tfjs-core's gradients, and makes it the active backend.
 * Nothing happens on import; this explicit call does all registration.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import { initWasm } from '@loom-ml/wasm';
 * const wasm = await initWasm({ threads: 2 });
 * tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).print();
 * await wasm.dispose(); // frees the heap and stops the worker threads
 */
export async function initWasm(options: InitWasmOptions = {}): Promise<WasmBackendHandle> {
  if (typeof options !== 'object' || options === null) throw invalidValue('options', 'initWasm', 'an options object', options);
  const { threads: requested = 'auto', wasmPaths, setActive = true, priority = 3, onNotice = (m: string) => console.warn(m) } = options;
  if (activeHandle !== null) {
    throw new WasmError(
      `Invalid value for \`initWasm\` call in initWasm. Expected one live backend at a time. Received: a second call while '${LOOM_WASM_BACKEND}' ` +
        `with ${activeHandle.threads} thread(s) is live. Call dispose() on the first handle before initialising again.`,
    );
  }
  assertPinnedVersions({ '@tensorflow/tfjs-core': tf.version_core });

  const environment = await detectEnvironment();
  if (!environment.simd) {
    throw new WasmError(
      'Invalid value for `WebAssembly SIMD` in initWasm. Expected a runtime with WebAssembly SIMD (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+). ' +
        'Received: unsupported. Upgrade the runtime, or use the tfjs cpu backend.',
    );
  }
  const decision = resolveThreadCount(requested, environment);
  if (decision.notice !== undefined) onNotice(decision.notice);

  // The stock package registers its own 'wasm' backend and kernels when first imported, so it
  // is imported here, on the explicit call, never at module load.
  const stock = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as StockWasmExports;
  assertPinnedVersions({ '@tensorflow/tfjs-backend-wasm': stock.version_wasm });

  const module = await loadWasmModule({ threads: decision.threads, isNode: environment.isNode, wasmPaths });
  stock.setThreadsCount(decision.threads);
  let backend: tf.KernelBackend;
  try {
    backend = new stock.BackendWasm(module);
  } catch (error) {
    module.PThread?.terminateAllThreads();
    throw error;
  }
  const actualThreads = module.tfjs.getThreadsCount();

  // A second thread for the fused attention (attention-helper.ts); without it, one thread.
  if (actualThreads >= 2) await startAttentionHelper(environment.isNode);
  registerTrainingKernels(LOOM_WASM_BACKEND);
  registerGradients();
  if (tf.findBackendFactory(LOOM_WASM_BACKEND) != null) tf.removeBackend(LOOM_WASM_BACKEND);
  tf.registerBackend(LOOM_WASM_BACKEND, () => backend, priority);

  const previousBackend = tf.engine().backendName;
  if (setActive) {
    const ok = await tf.setBackend(LOOM_WASM_BACKEND);
    if (!ok) throw new WasmError(`Invalid value for \`backend\` in initWasm. Expected '${LOOM_WASM_BACKEND}' to become active. Received: setBackend returned false.`);
  }

  const handle: WasmBackendHandle = {
    backendName: LOOM_WASM_BACKEND,
    threads: actualThreads,
    async dispose() {
      if (activeHandle !== handle) return;
      activeHandle = null;
      stopAttentionHelper();
      const wasActive = tf.engine().backendName === LOOM_WASM_BACKEND;
      // removeBackend calls BackendWasm.dispose() (frees the heap, terminates the pthread
      // workers) when the engine initialised it; otherwise dispose it here.
      if (tf.findBackendFactory(LOOM_WASM_BACKEND) != null) tf.removeBackend(LOOM_WASM_BACKEND);
      if ((backend as unknown as { wasm: unknown }).wasm != null) backend.dispose();
      if (wasActive && previousBackend && previousBackend !== LOOM_WASM_BACKEND && tf.findBackendFactory(previousBackend) != null) {
        await tf.setBackend(previousBackend);
      }
    },
  };
  activeHandle = handle;
  return handle;
}
