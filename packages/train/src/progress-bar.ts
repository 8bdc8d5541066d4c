import type { BatchLogs, Callback, TrainingContext } from './callback.js';
import type { Logs } from './types.js';

/** Where the progress bar writes; `process.stdout` in Node.js, the console elsewhere. */
export interface ProgressStream {
  /** Writes text as it is (no newline added). */
  write(text: string): unknown;
  /** True for a terminal: the bar redraws one line in place; otherwise it prints a line per epoch. */
  isTTY?: boolean;
}

/** Options of `progressBar`. */
export interface ProgressBarOptions {
  /** Output stream. Default `process.stdout` in Node.js; in a browser or worker, `console.log` (one line per epoch). */
  stream?: ProgressStream;
  /** Print nothing. Default false. */
  quiet?: boolean;
  /** Width of the bar in characters. Default 24. */
  width?: number;
  /** Clock in milliseconds (tests pass a fake). Default `performance.now`. */
  now?: () => number;
  /** Minimum milliseconds between redraws on a terminal. Default 100. */
  redrawInterval?: number;
}

/** Sends whole lines to `console.log`, for runtimes without `process.stdout` (browsers, workers). */
function consoleStream(): ProgressStream {
  let pending = '';
  return {
    isTTY: false,
    write(text: string) {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) console.log(line);
    },
  };
}

/** What `progressBar` and `verbose: 'auto'` read of the runtime: Node.js' `process`, absent in browsers. */
export interface ProgressRuntime {
  /** Node.js' `process` (its `stdout` and `env`), or absent in browsers and workers. */
  process?: { stdout?: ProgressStream; env?: Record<string, string | undefined> };
}

// Read through globalThis, so the main entry names no Node.js global and bundlers need no polyfill.
function runtimeOf(runtime: ProgressRuntime | undefined): ProgressRuntime {
  return runtime ?? (globalThis as ProgressRuntime);
}

function defaultStream(): ProgressStream {
  const stdout = runtimeOf(undefined).process?.stdout;
  return stdout !== undefined && typeof stdout.write === 'function' ? stdout : consoleStream();
}

/**
 * Whether `fit({ verbose: 'auto' })` (the default) shows progress: when standard output is a
 * terminal (`process.stdout.isTTY`) and the `CI` environment variable is not set (unset,
 * empty, `'0'` or `'false'` count as not set). Off in CI, when the output is piped or
 * redirected to a file, and in browsers and workers (no `process`). `runtime` is for tests.
 *
 * @example
 * if (showsProgress()) console.log('fit will draw a progress bar');
 */
export function showsProgress(runtime?: ProgressRuntime): boolean {
  const node = runtimeOf(runtime).process;
  if (node?.stdout?.isTTY !== true) return false;
  const ci = node.env?.CI;
  return ci === undefined || ci === '' || ci === '0' || ci.toLowerCase() === 'false';
}

const PROGRESS_BAR = /* @__PURE__ */ Symbol.for('loom-ml.progress-bar');

/** Whether `callback` was made by `progressBar` (so `fit` does not add a second one). */
export function isProgressBar(callback: Callback): boolean {
  return (callback as { [PROGRESS_BAR]?: boolean })[PROGRESS_BAR] === true;
}

/** "1m 05s", "12s", "0.4s". */
export function formatDuration(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')}s`;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toFixed(4);
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([key]) => key !== 'size')
    .map(([key, value]) => `${key} ${formatValue(value)}`)
    .join(' - ');
}

/**
 * A terminal progress bar: on a TTY it redraws one line in place per epoch with a bar, ETA,
 * running loss and metrics and samples/s; when the output is not a TTY (CI logs, files) it
 * prints one plain line per epoch instead; `quiet: true` prints nothing.
 *
 * @example
 * await fit(model, data, { loss: 'mse', optimizer: 'adam', epochs: 5, callbacks: [progressBar()] });
 * // Epoch 2/5 [=============>..........] 640/1000 ETA 0.8s - 812 samples/s - loss 0.1234
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const stream: ProgressStream = options.stream ?? defaultStream();
  const quiet = options.quiet ?? false;
  const width = options.width ?? 24;
  const now = options.now ?? (() => performance.now());
  const redrawInterval = options.redrawInterval ?? 100;
  const interactive = stream.isTTY === true;
  let epochStart = 0;
  let samplesSeen = 0;
  let lastDraw = -Infinity;
  let currentEpoch = 0;

  const header = (epoch: number, context: TrainingContext): string => `Epoch ${epoch + 1}/${context.epochs}`;

  const callback: Callback = {
    onEpochBegin(epoch: number) {
      currentEpoch = epoch;
      epochStart = now();
      samplesSeen = 0;
      lastDraw = -Infinity;
    },
    onBatchEnd(_batch: number, logs: BatchLogs, context: TrainingContext) {
      samplesSeen += logs.size;
      if (quiet || !interactive) return;
      const time = now();
      const total = context.samplesPerEpoch;
      const finished = total !== undefined && samplesSeen >= total;
      if (time - lastDraw < redrawInterval && !finished) return;
      lastDraw = time;
      const elapsed = time - epochStart;
      const parts: string[] = [];
      if (total !== undefined) {
        const fraction = Math.min(1, samplesSeen / total);
        const filled = Math.floor(fraction * width);
        const bar = '='.repeat(filled) + (filled < width ? '>' : '') + '.'.repeat(Math.max(0, width - filled - 1));
        const eta = samplesSeen > 0 ? (elapsed / samplesSeen) * (total - samplesSeen) : 0;
        parts.push(`[${bar}] ${samplesSeen}/${total} ETA ${formatDuration(eta)}`);
      } else {
        parts.push(`${samplesSeen} samples`);
      }
      if (elapsed > 0) parts.push(`${Math.round((samplesSeen * 1000) / elapsed)} samples/s`);
      const { size: _size, ...values } = logs;
      const metrics = formatLogs(values);
      const line = `${header(currentEpoch, context)} ${parts.join(' - ')}${metrics ? ` - ${metrics}` : ''}`;
      stream.write(`\r${line}\x1b[K`);
    },
    onEpochEnd(epoch: number, logs: Logs, context: TrainingContext) {
      if (quiet) return;
      const elapsed = now() - epochStart;
      const rate = elapsed > 0 ? ` - ${Math.round((samplesSeen * 1000) / elapsed)} samples/s` : '';
      const line = `${header(epoch, context)} - ${samplesSeen} samples - ${formatDuration(elapsed)}${rate} - ${formatLogs(logs)}`;
      stream.write(interactive ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
  };
  Object.defineProperty(callback, PROGRESS_BAR, { value: true });
  return callback;
}
