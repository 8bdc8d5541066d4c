import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LoomError, parseCsv, readCsv, seededRandom, streamCsv, type CsvOptions } from '../index.js';

// Seeded fuzzing of the CSV readers (issue 18): random CSV texts, mutated by characters and by
// bytes, read whole and in random chunkings (strings and bytes, plain and gzipped). Every read
// of one input must give the same rows and report, or the same error; errors must be Loom's
// named errors (never a TypeError, RangeError or a crash), and small limits keep every case
// bounded. A fixed number of cases with fixed seeds: the run is the same every time, in about
// a second. LOOM_FUZZ_SCALE=50 runs 50 times as many cases (for a longer search by hand).

type Random = () => number;
const SCALE = Math.max(1, Number(process.env.LOOM_FUZZ_SCALE ?? 1) || 1);
type Outcome = { rows: unknown[]; columns?: string[]; report: unknown } | { error: string };

const int = (random: Random, below: number) => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

const NAMES = ['a', 'b', 'id', 'amount', 'constructor', '__proto__', 'toString', 'naïve', 'x y'];
const WORDS = ['', 'NA', 'null', '0', '1', '-2.5', '1e3', '0x10', ' 7', '9007199254740993', 'yes', 'true', 'Ada', 'ü€', '😀', 'x'];
const MUTATIONS = ['"', '""', ',', '\r', '\n', '\r\n', ';', 'a', '1', '€', '😀', '\uFEFF', ' ', '\t'];

function field(random: Random): string {
  const word = pick(random, WORDS);
  switch (int(random, 4)) {
    case 0:
      return `"${word.replace(/"/g, '""')}${pick(random, ['', ',', '\n', '\r\n', '""'])}${pick(random, WORDS)}"`;
    case 1:
      return String(Math.round((random() - 0.5) * 1e6) / 100);
    default:
      return word;
  }
}

function csvText(random: Random): { text: string; columns: string[] } {
  const columns = Array.from({ length: 1 + int(random, 4) }, (_, i) => (i === 0 ? pick(random, NAMES) : `${pick(random, NAMES)}${i}`));
  const lines = [columns.join(',')];
  for (let r = int(random, 8); r > 0; r--) lines.push(Array.from(columns, () => field(random)).join(','));
  const eol = pick(random, ['\n', '\r\n', '\r']);
  return { text: (random() < 0.1 ? '\uFEFF' : '') + lines.join(eol) + (random() < 0.5 ? eol : ''), columns };
}

function mutateText(random: Random, text: string): string {
  let out = text;
  for (let m = int(random, 4); m > 0; m--) {
    const at = int(random, out.length + 1);
    const op = int(random, 3);
    if (op === 0) out = out.slice(0, at) + pick(random, MUTATIONS) + out.slice(at);
    else if (op === 1) out = out.slice(0, at) + out.slice(at + 1 + int(random, 3));
    else out = out.slice(0, at) + out.slice(int(random, out.length + 1)).slice(0, 8) + out.slice(at);
  }
  // Never split a surrogate pair in the text itself (a JS string with a lone surrogate is not UTF-8 text).
  return out.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
}

function mutateBytes(random: Random, bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  for (let m = 1 + int(random, 3); m > 0; m--) {
    const at = int(random, out.length + 1);
    const bad = pick(random, [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f]]);
    out.splice(at, int(random, 2), ...bad);
  }
  return new Uint8Array(out);
}

function options(random: Random, columns: string[]): CsvOptions {
  const schema = new Map<string, 'number' | 'integer' | 'boolean' | 'string' | 'category'>();
  for (const name of columns) if (random() < 0.5) schema.set(name, pick(random, ['number', 'integer', 'boolean', 'string', 'category'] as const));
  return {
    schema,
    onBadRow: pick(random, ['error', 'skip', 'collect'] as const),
    onMissing: pick(random, ['error', 'skip', null] as const),
    maxFieldBytes: pick(random, [8, 24, 1024]),
    maxRecordBytes: pick(random, [16, 64, 4096]),
    invalidUtf8: pick(random, ['error', 'replace'] as const),
    source: 'fuzz.csv',
  };
}

/** Random chunks of `input` (sizes 1 to 16, sometimes empty chunks). */
function chunked<T extends string | Uint8Array>(random: Random, input: T): T[] {
  const chunks: T[] = [];
  for (let at = 0; at < input.length; ) {
    const size = random() < 0.1 ? 0 : 1 + int(random, 16);
    chunks.push(input.slice(at, at + size) as T);
    at += size;
  }
  return chunks;
}

function failure(error: unknown): Outcome {
  // Only Loom's named errors may escape: anything else is a crash the fuzzer found.
  if (!LoomError.isInstance(error)) throw error;
  const { name, message, reason, line } = error as LoomError & { reason?: string; line?: number };
  return { error: `${name} ${reason} ${line}: ${message}` };
}

async function viaRead(input: Parameters<typeof readCsv>[0], settings: CsvOptions): Promise<Outcome> {
  try {
    const { rows, columns, ...report } = await readCsv(input, settings);
    return { rows, columns, report };
  } catch (error) {
    return failure(error);
  }
}

/** Streamed rows; on an error, the rows streamed before it too (they must not depend on the chunking). */
async function viaStream(input: Parameters<typeof readCsv>[0], settings: CsvOptions): Promise<{ rows: unknown[]; outcome: Outcome }> {
  const rows: unknown[] = [];
  let report: unknown;
  try {
    for await (const row of streamCsv(input, settings, (r) => (report = r))) rows.push(row);
    return { rows, outcome: { rows, report } };
  } catch (error) {
    return { rows, outcome: failure(error) };
  }
}

function withoutColumns(outcome: Outcome): Outcome {
  if ('error' in outcome) return outcome;
  return { rows: outcome.rows, report: outcome.report };
}

describe('CSV fuzz: whole vs chunked, text vs bytes, never a crash', () => {
  it('600 seeded text mutations give identical rows or identical named errors however they are fed', async () => {
    const started = performance.now();
    let errors = 0;
    for (let seed = 1; seed <= 600 * SCALE; seed++) {
      const random = seededRandom(seed);
      const { text: base, columns } = csvText(random);
      const text = mutateText(random, base);
      const settings = options(random, columns);
      const bytes = new TextEncoder().encode(text);
      let whole: Outcome;
      try {
        const { rows, columns: header, ...report } = parseCsv(text, settings);
        whole = { rows, columns: header, report };
      } catch (error) {
        whole = failure(error);
      }
      if ('error' in whole) errors++;
      const context = `seed ${seed}: ${JSON.stringify(text)}`;
      expect(await viaRead(text, settings), context).toEqual(whole);
      expect(await viaRead(chunked(random, text), settings), context).toEqual(whole);
      expect(await viaRead(chunked(random, bytes), settings), context).toEqual(whole);
      const streamed = await viaStream(chunked(random, bytes), settings);
      expect(streamed.outcome, context).toEqual(withoutColumns(whole));
      expect(await viaStream(chunked(random, text), settings), context).toEqual(streamed);
      if (seed % 10 === 0) expect(await viaRead(new Blob([gzipSync(bytes)]), settings), context).toEqual(whole);
    }
    // The mutations reach the error paths as well as the happy ones.
    expect(errors).toBeGreaterThan(100 * SCALE);
    expect(errors).toBeLessThan(550 * SCALE);
    expect(performance.now() - started).toBeLessThan(20_000 * SCALE);
  });

  it('400 seeded byte mutations (invalid UTF-8) agree across chunkings; "replace" matches the platform decoder', async () => {
    let invalid = 0;
    for (let seed = 1; seed <= 400 * SCALE; seed++) {
      const random = seededRandom(10_000 + seed);
      const { text, columns } = csvText(random);
      const bytes = mutateBytes(random, new TextEncoder().encode(text));
      const settings = options(random, columns);
      const context = `seed ${seed}: ${Array.from(bytes).join(' ')}`;
      const whole = await viaRead(bytes, settings);
      if ('error' in whole && whole.error.includes('invalid-utf8')) invalid++;
      expect(await viaRead(chunked(random, bytes), settings), context).toEqual(whole);
      const streamed = await viaStream(chunked(random, bytes), settings);
      expect(streamed.outcome, context).toEqual(withoutColumns(whole));
      expect(await viaStream(chunked(random, bytes), settings), context).toEqual(streamed);
      // An independent reference for 'replace': TextDecoder on the whole input, then the text parser.
      const replace = { ...settings, invalidUtf8: 'replace' as const };
      let reference: Outcome;
      try {
        const { rows, columns: header, ...report } = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), replace);
        reference = { rows, columns: header, report };
      } catch (error) {
        reference = failure(error);
      }
      expect(await viaRead(chunked(random, bytes), replace), context).toEqual(reference);
    }
    expect(invalid).toBeGreaterThan(50 * SCALE);
  });
});
