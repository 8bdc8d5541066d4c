// The feedback log: corrected intents sent by customers ("that was not my question") or agents
// (the intent they resolved a hand-off as), one JSON object per line. The server appends to it
// and `pnpm retrain` folds it into the next training run.
import { open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { AppError } from './errors.js';

export interface FeedbackRecord {
  /** ISO time the server received it. */
  time: string;
  text: string;
  /** The correct intent. */
  intent: string;
  /** What the assistant had said, when the client sends it. */
  predicted?: string;
  source: 'customer' | 'agent';
}

/** Largest log the server appends to (a full disk is not a good way to find out). */
export const MAX_FEEDBACK_LOG_BYTES = 64 * 1024 * 1024;

/**
 * Appends records to a JSON-lines file, one at a time: each record is one `write` of one whole
 * line to a file opened in append mode, flushed to the disk (`datasync`) before the promise
 * resolves, so concurrent requests never interleave and a crash leaves whole lines only (at worst
 * the last line cut, which the reader skips and reports).
 *
 * @example
 * const log = new FeedbackLog('runs/feedback.jsonl');
 * await log.append({ time: new Date().toISOString(), text: 'card still not here', intent: 'card_arrival', source: 'agent' });
 */
export class FeedbackLog {
  private queue: Promise<unknown> = Promise.resolve();
  /** Records appended since the server started. */
  appended = 0;

  constructor(
    readonly path: string,
    readonly maxBytes = MAX_FEEDBACK_LOG_BYTES,
  ) {}

  append(record: FeedbackRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const write = this.queue.then(async () => {
      const size = await stat(this.path).then((info) => info.size, () => 0);
      if (size + Buffer.byteLength(line) > this.maxBytes) throw new AppError(`The feedback log ${this.path} is full (${this.maxBytes} bytes); run pnpm retrain and move it away.`, 507);
      await mkdir(dirname(this.path), { recursive: true });
      const handle = await open(this.path, 'a');
      try {
        await handle.write(line);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      this.appended++;
    });
    this.queue = write.catch(() => {});
    return write;
  }
}

/**
 * Reads a feedback log for training: records whose intent is one of `intents` and whose text is
 * a non-empty string. Lines that are not such records (a cut last line, an intent since removed)
 * are counted and skipped, not fatal. A missing file is an empty log.
 *
 * @example
 * const { texts, labels, skipped } = await readFeedback('runs/feedback.jsonl', BANKING77_INTENTS);
 */
export async function readFeedback(path: string, intents: readonly string[]): Promise<{ texts: string[]; labels: number[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { texts: [], labels: [], skipped: 0 };
    throw error;
  }
  const index = new Map(intents.map((intent, i) => [intent, i]));
  const texts: string[] = [];
  const labels: number[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: Partial<FeedbackRecord> | null = null;
    try {
      record = JSON.parse(line) as Partial<FeedbackRecord>;
    } catch {
      record = null;
    }
    const label = typeof record?.intent === 'string' ? index.get(record.intent) : undefined;
    if (label === undefined || typeof record?.text !== 'string' || record.text.trim() === '') {
      skipped++;
      continue;
    }
    texts.push(record.text);
    labels.push(label);
  }
  return { texts, labels, skipped };
}
