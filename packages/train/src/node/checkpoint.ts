import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@loom-ml/core/node';
import type { Callback, TrainingContext } from '../callback.js';
import { createCheckpoint, restoreCheckpoint, type CheckpointData } from '../checkpoint-data.js';
import { invalidValue, TrainError } from '../errors.js';
import type { Logs } from '../types.js';

const FILE_PATTERN = /^checkpoint-epoch-(\d+)\.json$/;

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

/**
 * Reads and checks a checkpoint file.
 *
 * @example
 * const data = await loadCheckpoint('runs/mnist/checkpoint-epoch-000004.json');
 */
export async function loadCheckpoint(file: string): Promise<CheckpointData> {
  const text = await fs.readFile(file, 'utf8');
  let data: CheckpointData;
  try {
    data = JSON.parse(text) as CheckpointData;
  } catch {
    throw new TrainError(`Invalid value for \`file\` in loadCheckpoint. Expected a checkpoint JSON file. Received: '${file}' (not valid JSON).`);
  }
  if (data === null || typeof data !== 'object' || data.format !== 'loom-checkpoint' || data.version !== 1 || !Array.isArray(data.weights)) {
    throw new TrainError(`Invalid value for \`file\` in loadCheckpoint. Expected a 'loom-checkpoint' version 1 file. Received: '${file}'.`);
  }
  return data;
}

/** Options of `checkpoint`. */
export interface CheckpointOptions {
  /** Folder the checkpoint files go to (created when missing). */
  directory: string;
  /** How many of the newest checkpoints to keep. Default 3. */
  keep?: number;
  /** Save every this many epochs (the last epoch is always saved). Default 1. */
  every?: number;
  /** On train begin, restore the newest checkpoint in `directory` and resume after its epoch. Default false. */
  resume?: boolean;
}

/** The `checkpoint` callback; `resumedFrom` is the restored epoch, if any. */
export interface CheckpointCallback extends Callback {
  readonly resumedFrom: number | undefined;
}

/**
 * Saves model weights and optimizer state after each epoch, atomically (temporary file then
 * rename, so a crash mid-write leaves the previous checkpoints intact), keeps the newest
 * `keep` files, and with `resume: true` continues a run from the newest checkpoint.
 *
 * @example
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
  let resumedFrom: number | undefined;

  return {
    get resumedFrom() {
      return resumedFrom;
    },
    async onTrainBegin(context: TrainingContext) {
      resumedFrom = undefined;
      if (options.resume !== true) return;
      const files = await listCheckpoints(directory);
      const newest = files.at(-1);
      if (newest === undefined) return;
      const data = await loadCheckpoint(newest);
      restoreCheckpoint(context.model, context.optimizer, data);
      resumedFrom = data.epoch;
      context.initialEpoch = data.epoch + 1;
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
