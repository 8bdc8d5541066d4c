import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readFileBounded, removeStaleTempFiles, writeFileAtomic } from '@loom-ml/core/node';
import type { Callback, TrainingContext } from '../callback.js';
import { checkCheckpointData, createCheckpoint, restoreCheckpoint, type CheckpointData } from '../checkpoint-data.js';
import { invalidValue, TrainError } from '../errors.js';
import type { Logs } from '../types.js';

const FILE_PATTERN = /^checkpoint-epoch-(\d+)\.json$/;

/**
 * Default `maxBytes` of a checkpoint file: 512 MiB, about the longest string V8 can make, so
 * the default refuses only files that could never be parsed anyway.
 */
const DEFAULT_MAX_BYTES = 512 * 2 ** 20;

function checkpointFileName(epoch: number): string {
  return `checkpoint-epoch-${String(epoch).padStart(6, '0')}.json`;
}

/**
 * The checkpoint files in `directory`, oldest first (temporary files of interrupted writes
 * are ignored).
 *
 * @example
 * const files = await listCheckpoints('runs/mnist'); // ['runs/mnist/checkpoint-epoch-000000.json', ...]
 */
export async function listCheckpoints(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, match: FILE_PATTERN.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .sort((a, b) => Number(a.match[1]) - Number(b.match[1]))
    .map((entry) => path.join(directory, entry.name));
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  /** Refuse files larger than this many bytes, before reading them. Default 512 MiB. */
  maxBytes?: number;
}

/**
 * Reads a checkpoint file and checks all of it before anything is allocated: a regular file
 * within `maxBytes`, valid UTF-8 JSON, then every field (weights' dtypes, shapes against value
 * counts, finite values, the whole optimizer snapshot). An empty, truncated or damaged file
 * throws a `TrainError` naming the file and the field; a missing, oversized or special file a
 * `FileRefusedError` (from `@loom-ml/core`).
 *
 * @example
 * const data = await loadCheckpoint('runs/mnist/checkpoint-epoch-000004.json');
 */
export async function loadCheckpoint(file: string, options: LoadCheckpointOptions = {}): Promise<CheckpointData> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw invalidValue('maxBytes', 'loadCheckpoint', 'a positive integer', maxBytes);
  const bytes = await readFileBounded(file, { maxBytes, what: 'checkpoint file' });
  const damaged = (why: string) =>
    new TrainError(`Invalid value for \`file\` in loadCheckpoint. Expected a checkpoint JSON file. Received: '${file}' (${why}).`);
  if (bytes.length === 0) throw damaged('an empty file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw damaged('not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged('not valid JSON: truncated or damaged');
  }
  return checkCheckpointData(parsed, `checkpoint file '${file}'`);
}

/** Options of `checkpoint`. */
export interface CheckpointOptions {
  /** Folder the checkpoint files go to (created when missing). */
  directory: string;
  /** How many of the newest checkpoints to keep. Default 3. */
  keep?: number;
  /** Save every this many epochs (the last epoch is always saved). Default 1. */
  every?: number;
  /**
   * On train begin, restore the newest checkpoint in `directory` that validates and resume after
   * its epoch. Default false.
   */
  resume?: boolean;
  /** Refuse checkpoint files larger than this when resuming. Default 512 MiB. */
  maxBytes?: number;
  /** Called with a one-line notice when resuming skips a damaged checkpoint. Default `console.warn`. */
  onNotice?: (message: string) => void;
}

/** The `checkpoint` callback; `resumedFrom` is the restored epoch, if any. */
export interface CheckpointCallback extends Callback {
  readonly resumedFrom: number | undefined;
}

/**
 * Saves model weights and optimizer state after each epoch, atomically and durably (temporary
 * file, fsync, rename, fsync of the folder: after a crash or power cut each file is whole or
 * absent), keeps the newest `keep` files, and with `resume: true` continues a run from the
 * newest checkpoint that validates. A damaged one (empty, truncated, not a checkpoint) is
 * renamed to `<file>.invalid`, reported through `onNotice`, and the next older one is tried;
 * with none left, training starts from the beginning. Temporary files left by writes that
 * were interrupted (their process is gone) are removed on train begin.
 *
 * @example
 * import { checkpoint } from '@loom-ml/train/node';
 * await fit(model, data, { loss: 'mse', optimizer, epochs: 20,
 *   callbacks: [checkpoint({ directory: 'runs/demo', keep: 2, resume: true })] });
 */
export function checkpoint(options: CheckpointOptions): CheckpointCallback {
  const where = 'checkpoint';
  if (options === null || typeof options !== 'object' || typeof options.directory !== 'string' || options.directory === '') {
    throw invalidValue('directory', where, 'a non-empty path', options?.directory);
  }
  const { directory } = options;
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1) throw invalidValue('keep', where, 'a positive integer', keep);
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw invalidValue('every', where, 'a positive integer', every);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw invalidValue('maxBytes', where, 'a positive integer', maxBytes);
  const onNotice = options.onNotice ?? ((message: string) => console.warn(message));
  if (typeof onNotice !== 'function') throw invalidValue('onNotice', where, 'a function', onNotice);
  let resumedFrom: number | undefined;

  return {
    get resumedFrom() {
      return resumedFrom;
    },
    async onTrainBegin(context: TrainingContext) {
      resumedFrom = undefined;
      await removeStaleTempFiles(directory);
      if (options.resume !== true) return;
      const files = await listCheckpoints(directory);
      for (const file of files.reverse()) {
        let data: CheckpointData;
        try {
          data = await loadCheckpoint(file, { maxBytes });
        } catch (error) {
          // Damaged contents: skip. Anything else (too large, unreadable) is the user's to fix.
          if (!(error instanceof TrainError)) throw error;
          const aside = `${file}.invalid`;
          await fs.rename(file, aside);
          onNotice(`checkpoint: skipped a damaged checkpoint and moved it to '${aside}'. ${error.message}`);
          continue;
        }
        // A valid checkpoint that does not fit the model or optimizer is an error, not damage.
        restoreCheckpoint(context.model, context.optimizer, data);
        resumedFrom = data.epoch;
        context.initialEpoch = data.epoch + 1;
        return;
      }
    },
    async onEpochEnd(epoch: number, logs: Logs, context: TrainingContext) {
      const last = epoch === context.epochs - 1 || context.stopTraining;
      if ((epoch + 1) % every !== 0 && !last) return;
      const data = await createCheckpoint(context.model, context.optimizer, epoch, logs);
      await writeFileAtomic(path.join(directory, checkpointFileName(epoch)), JSON.stringify(data));
      // Prune only after the new file is in place, so there is always a complete checkpoint.
      const files = await listCheckpoints(directory);
      for (const old of files.slice(0, Math.max(0, files.length - keep))) await fs.rm(old, { force: true });
    },
  };
}
