import { WasmError } from './errors.js';
import { importNodeBuiltin } from './environment.js';
import { locateBinary, type WasmBinaryName, type WasmPaths } from './wasm-paths.js';

/** The parts of the Emscripten module of tfjs-backend-wasm that this package touches. */
export interface WasmModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  /** The raw exports of the wasm instance. */
  asm?: Record<string, unknown>;
  _dispose?: (...args: number[]) => void;
  PThread?: PThreadPool;
  tfjs: {
    init(): void;
    initWithThreadsCount(threads: number): void;
    getThreadsCount(): number;
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
    dispose(): void;
  };
}

/** A pthread worker: a Node `Worker` (with `ref`/`unref`) or a browser `Worker`. */
interface PThreadWorker {
  ref?(): void;
  unref?(): void;
}

/** The parts of Emscripten's pthread pool this package touches. */
interface PThreadPool {
  terminateAllThreads(): void;
  unusedWorkers: PThreadWorker[];
  runningWorkers: PThreadWorker[];
  allocateUnusedWorker(): void;
}

type Imports = Record<string, Record<string, unknown>>;
type EmscriptenFactory = ((config: Record<string, unknown>) => Promise<WasmModule>) & { toString(): string };

export interface LoadOptions {
  threads: number;
  isNode: boolean;
  wasmPaths?: WasmPaths;
}

function defaultExport<T>(module: unknown): T {
  const record = module as { default?: T };
  return (record.default ?? module) as T;
}

/**
 * tfjs-backend-wasm sizes its XNNPACK pool as `emscripten_num_logical_cores() / 2` (assuming
 * hyper-threading), so 2 cores would give 1 thread. The wasm module imports that function from
 * JS; we swap the import for one reporting `2 * threads` so the pool gets exactly `threads`.
 */
function overrideCoreCount(imports: Imports, threads: number): void {
  for (const table of Object.values(imports)) {
    for (const [key, value] of Object.entries(table)) {
      if (typeof value === 'function' && String(value).includes('hardwareConcurrency')) {
        table[key] = () => 2 * threads;
        return;
      }
    }
  }
  throw new WasmError(
    'Invalid value for `imports` of the threaded wasm module in initWasm. Expected an emscripten_num_logical_cores import ' +
      '(present in @tensorflow/tfjs-backend-wasm 4.22.0). Received: none. Reinstall @tensorflow/tfjs-backend-wasm@4.22.0.',
  );
}

async function readBinary(name: WasmBinaryName, options: LoadOptions): Promise<ArrayBuffer | Response> {
  const custom = locateBinary(name, options.wasmPaths);
  if (options.isNode) {
    const fs = (await importNodeBuiltin('node:fs/promises')) as typeof import('node:fs/promises');
    let path = custom;
    if (path === undefined) {
      const { createRequire } = (await importNodeBuiltin('node:module')) as typeof import('node:module');
      path = createRequire(import.meta.url).resolve(`@tensorflow/tfjs-backend-wasm/dist/${name}`);
    }
    const bytes = await fs.readFile(path.startsWith('file:') ? new URL(path) : path).catch((cause: unknown) => {
      throw new WasmError(
        `Invalid value for \`wasmPaths\` in initWasm. Expected a readable ${name}. Received: '${path}' (${String(cause)}).`,
      );
    });
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  // Bundlers (Vite, webpack 5, esbuild with a file loader) emit the binaries copied next to
  // dist/index.js when they see `new URL('./x.wasm', import.meta.url)`.
  const url =
    custom ??
    (name === 'tfjs-backend-wasm-simd.wasm'
      ? new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href
      : new URL('./tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href);
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    throw new WasmError(
      `Invalid value for \`wasmPaths\` in initWasm. Expected ${name} to be served at '${url}'. Received: HTTP ${response.status}. ` +
        'Serve the .wasm files from @loom-ml/wasm/dist or pass wasmPaths.',
    );
  }
  return response;
}

/** Node's worker_threads needs a real file for the pthread worker, so write it once (atomically) to the temp folder. */
async function writeNodeWorker(contents: string): Promise<string> {
  const fs = (await importNodeBuiltin('node:fs')) as typeof import('node:fs');
  const os = (await importNodeBuiltin('node:os')) as typeof import('node:os');
  const path = (await importNodeBuiltin('node:path')) as typeof import('node:path');
  const crypto = (await importNodeBuiltin('node:crypto')) as typeof import('node:crypto');
  const hash = crypto.createHash('sha256').update(contents).digest('hex').slice(0, 16);
  const folder = path.join(os.tmpdir(), 'loom-ml-wasm');
  const target = path.join(folder, `pthread-worker-${hash}.cjs`);
  if (fs.existsSync(target)) return target;
  try {
    fs.mkdirSync(folder, { recursive: true });
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, target);
  } catch (cause) {
    throw new WasmError(
      `Invalid value for \`os.tmpdir()\` in initWasm. Expected a writable folder for the pthread worker script. ` +
        `Received: '${folder}' (${String(cause)}). Set TMPDIR to a writable folder or use { threads: 1 }.`,
    );
  }
  return target;
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

interface ProcessLike {
  listeners(event: string): Array<(...args: unknown[]) => void>;
  removeListener(event: string, listener: (...args: unknown[]) => void): void;
}

/**
 * Emscripten's Node glue installs process-wide 'uncaughtException' and 'unhandledRejection'
 * handlers that re-throw every error of the whole process: Node then prints the error after
 * the handler's line of minified module code (~38 KB) and exits with code 7 instead of 1.
 * The factory adds them synchronously while it runs, so take the listeners before and remove
 * the ones that appeared once it returns. Returns the function that does the removal.
 */
function keepProcessListeners(): () => void {
  const processLike = typeof process === 'undefined' ? undefined : (process as unknown as Partial<ProcessLike>);
  if (typeof processLike?.listeners !== 'function' || typeof processLike.removeListener !== 'function') return () => undefined;
  const target = processLike as ProcessLike;
  const before = PROCESS_EVENTS.map((event) => new Set(target.listeners(event)));
  return () => {
    PROCESS_EVENTS.forEach((event, i) => {
      for (const listener of target.listeners(event)) if (!before[i]!.has(listener)) target.removeListener(event, listener);
    });
  };
}

/**
 * In Node, Emscripten keeps the event loop alive with every pthread worker that runs a thread,
 * and XNNPACK's pool threads run until `dispose()`: a script that forgets `dispose()` never
 * exits. The workers only ever answer the main thread's synchronous calls, so nothing is lost
 * if they do not hold the process open: unref them, now and whenever one is created or started.
 */
function unrefWorkers(pool: PThreadPool): void {
  const release = (worker: PThreadWorker | undefined) => {
    if (worker === undefined || typeof worker.unref !== 'function') return;
    worker.unref();
    worker.ref = () => undefined;
  };
  pool.unusedWorkers.forEach(release);
  pool.runningWorkers.forEach(release);
  const allocate = pool.allocateUnusedWorker.bind(pool);
  pool.allocateUnusedWorker = () => {
    allocate();
    release(pool.unusedWorkers.at(-1));
  };
}

/**
 * Instantiates the SIMD (threads = 1) or threaded-SIMD (threads > 1) build of
 * tfjs-backend-wasm 4.22.0 with the requested XNNPACK pool size, in Node or a browser.
 */
export async function loadWasmModule(options: LoadOptions): Promise<WasmModule> {
  const threaded = options.threads > 1;
  const binaryName: WasmBinaryName = threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm';
  const factory = threaded
    ? defaultExport<EmscriptenFactory>(await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'))
    : defaultExport<EmscriptenFactory>(await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js'));

  let workerLocation: string | undefined;
  let mainScript: string | Blob | undefined;
  if (threaded) {
    const workerModule = await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
    const contents = defaultExport<{ wasmWorkerContents: string }>(workerModule).wasmWorkerContents ??
      (workerModule as { wasmWorkerContents?: string }).wasmWorkerContents;
    if (typeof contents !== 'string') {
      throw new WasmError('Invalid value for `wasmWorkerContents` in initWasm. Expected the pthread worker script of @tensorflow/tfjs-backend-wasm 4.22.0. Received: none.');
    }
    // The script arrives as a template string whose '\n' escapes became real newlines inside
    // string literals; turn them back into escapes (as tfjs does) so it parses.
    const source = contents.replace(/\n/g, '\\n');
    if (options.isNode) {
      workerLocation = await writeNodeWorker(source);
      const { createRequire } = (await importNodeBuiltin('node:module')) as typeof import('node:module');
      mainScript = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
    } else {
      workerLocation = URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
      mainScript = new Blob([`var WasmBackendModuleThreadedSimd = ${factory.toString()}`], { type: 'text/javascript' });
    }
  }

  let failure: unknown;
  const config: Record<string, unknown> = {
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') && workerLocation ? workerLocation : prefix + path),
    instantiateWasm: (imports: Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      if (threaded) overrideCoreCount(imports, options.threads);
      readBinary(binaryName, options)
        .then((source) =>
          source instanceof Response && typeof WebAssembly.instantiateStreaming === 'function'
            ? WebAssembly.instantiateStreaming(source, imports as WebAssembly.Imports)
            : (source instanceof Response ? source.arrayBuffer() : Promise.resolve(source)).then((bytes) =>
                WebAssembly.instantiate(bytes, imports as WebAssembly.Imports),
              ),
        )
        .then(({ instance, module }) => receive(instance, module))
        .catch((error: unknown) => {
          failure = error;
          rejectLoad?.(error);
        });
      return {};
    },
    onAbort: (reason: unknown) => {
      rejectLoad?.(failure ?? new WasmError(`Invalid value for \`wasm module\` in initWasm. Expected it to start. Received: abort (${String(reason)}).`));
    },
  };
  if (mainScript !== undefined) config.mainScriptUrlOrBlob = mainScript;

  let rejectLoad: ((error: unknown) => void) | undefined;
  const module = await new Promise<WasmModule>((resolve, reject) => {
    rejectLoad = reject;
    const removeAddedListeners = keepProcessListeners();
    let ready: Promise<WasmModule>;
    try {
      ready = factory(config);
    } finally {
      removeAddedListeners();
    }
    ready.then(resolve, (error: unknown) => reject(failure ?? error));
  });
  // The module's own _dispose also removes every 'uncaughtException'/'unhandledRejection'
  // listener that existed when it loaded, the application's included (its filter is always
  // true): call the wasm export directly instead. `cwrap('dispose')` below picks this up.
  const exports = module.asm;
  if (exports !== undefined && typeof exports.dispose === 'function') {
    const disposeExport = exports.dispose as (...args: number[]) => void;
    module._dispose = (...args: number[]) => disposeExport(...args);
  }
  if (options.isNode && module.PThread !== undefined) unrefWorkers(module.PThread);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  } as WasmModule['tfjs'];
  return module;
}
