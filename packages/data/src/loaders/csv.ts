import { readChunks, type ChunkSource } from './chunk-source.js';
import { byteChunks, gunzipIfCompressed, isBlob, isResponse } from './byte-input.js';
import { DataError, invalidValue } from '../errors.js';
import { CsvParser, type CsvRecord } from './csv-parser.js';

export type ColumnType = 'number' | 'integer' | 'string' | 'boolean' | 'category';

export interface ColumnSpec {
  type: ColumnType;
  /** What a missing value becomes: `'error'` (default for typed columns with `onMissing` unset), `null`, or a fill value. */
  missing?: 'error' | null | number | string | boolean;
}

export interface CsvOptions {
  /** Column name → type (or spec). Columns not listed stay strings; listed columns must exist in the header. */
  schema?: Record<string, ColumnType | ColumnSpec>;
  /** Default ','. */
  delimiter?: string;
  /** Field texts that mean "missing". Default ['', 'NA', 'N/A', 'null', 'NaN']. */
  missingValues?: string[];
  /** Default for every column's `missing`. Default null (missing values become null). */
  onMissing?: ColumnSpec['missing'];
  /** What a malformed row does: 'error' (default) throws naming the line and column; 'skip' drops it and counts it; 'collect' drops it and reports it. */
  onBadRow?: 'error' | 'skip' | 'collect';
  /** Names the input in errors (a file name). */
  source?: string;
}

export type CsvValue = number | string | boolean | null;
export type CsvRow = Record<string, CsvValue>;

export interface BadRow {
  line: number;
  message: string;
  fields: string[];
}

/** Rows that did not parse, reported instead of silently dropped. */
export interface CsvReport {
  badRows: BadRow[];
  skippedRows: number;
}

type Converter = (text: string, line: number) => CsvValue;

function converterFor(name: string, spec: ColumnSpec, missingValues: Set<string>, source: string, fallbackMissing: ColumnSpec['missing']): Converter {
  const missing = spec.missing === undefined ? fallbackMissing : spec.missing;
  const fail = (line: number, expected: string, text: string) =>
    new DataError(`${source} line ${line}, column \`${name}\`: expected ${expected}, received ${JSON.stringify(text)}.`);
  return (text, line) => {
    if (missingValues.has(text)) {
      if (missing === 'error') throw fail(line, `a ${spec.type} (missing values are not allowed in this column)`, text);
      return missing ?? null;
    }
    switch (spec.type) {
      case 'number': {
        const value = Number(text);
        if (text.trim() === '' || !Number.isFinite(value)) throw fail(line, 'a number', text);
        return value;
      }
      case 'integer': {
        const value = Number(text);
        if (text.trim() === '' || !Number.isInteger(value)) throw fail(line, 'an integer', text);
        return value;
      }
      case 'boolean': {
        const lower = text.trim().toLowerCase();
        if (['true', '1', 'yes'].includes(lower)) return true;
        if (['false', '0', 'no'].includes(lower)) return false;
        throw fail(line, 'a boolean (true/false, 1/0, yes/no)', text);
      }
      default:
        return text;
    }
  };
}

/**
 * Turns raw records into typed rows: the first record is the header; rows with the wrong
 * number of fields or values that do not fit their column are bad rows, handled per `onBadRow`.
 */
export class CsvRowReader {
  private header: string[] | null = null;
  private converters: Converter[] = [];
  readonly report: CsvReport = { badRows: [], skippedRows: 0 };
  private readonly source: string;
  private readonly onBadRow: NonNullable<CsvOptions['onBadRow']>;

  constructor(private readonly options: CsvOptions = {}) {
    this.source = options.source ?? 'CSV input';
    this.onBadRow = options.onBadRow ?? 'error';
    if (!['error', 'skip', 'collect'].includes(this.onBadRow)) throw invalidValue('onBadRow', 'readCsv', "'error', 'skip' or 'collect'", this.onBadRow);
  }

  /** The header, once the first record has been read. */
  get columns(): readonly string[] | null {
    return this.header;
  }

  read(records: CsvRecord[]): CsvRow[] {
    const rows: CsvRow[] = [];
    for (const record of records) {
      if (this.header === null) {
        this.setHeader(record);
        continue;
      }
      try {
        rows.push(this.convert(record));
      } catch (error) {
        if (this.onBadRow === 'error' || !(error instanceof DataError)) throw error;
        this.report.skippedRows++;
        if (this.onBadRow === 'collect') this.report.badRows.push({ line: record.line, message: error.message, fields: record.fields });
      }
    }
    return rows;
  }

  private setHeader(record: CsvRecord): void {
    const header = record.fields.map((f) => f.trim());
    const seen = new Set<string>();
    header.forEach((name, i) => {
      if (name === '') throw new DataError(`${this.source} line ${record.line}: header column ${i + 1} has no name.`);
      if (seen.has(name)) throw new DataError(`${this.source} line ${record.line}: header names column \`${name}\` twice.`);
      seen.add(name);
    });
    const schema = this.options.schema ?? {};
    for (const name of Object.keys(schema)) {
      if (!seen.has(name)) throw new DataError(`${this.source}: the schema names column \`${name}\`, which the header does not have (columns: ${header.join(', ')}).`);
    }
    const missingValues = new Set(this.options.missingValues ?? ['', 'NA', 'N/A', 'null', 'NaN']);
    this.converters = header.map((name) => {
      const raw = schema[name] ?? 'string';
      const spec = typeof raw === 'string' ? { type: raw } : raw;
      if (!['number', 'integer', 'string', 'boolean', 'category'].includes(spec.type)) {
        throw invalidValue(`schema.${name}`, 'readCsv', 'number, integer, string, boolean or category', spec.type);
      }
      // Untyped string columns keep their text, even when it looks like a missing token.
      if (schema[name] === undefined) return (text: string) => text;
      return converterFor(name, spec, missingValues, this.source, this.options.onMissing === undefined ? null : this.options.onMissing);
    });
    this.header = header;
  }

  private convert(record: CsvRecord): CsvRow {
    const header = this.header!;
    if (record.fields.length !== header.length) {
      throw new DataError(`${this.source} line ${record.line}: expected ${header.length} fields (as in the header), received ${record.fields.length}.`);
    }
    const row: CsvRow = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = this.converters[i]!(record.fields[i]!, record.line);
    return row;
  }
}

/** Where CSV text can come from: the text itself, a `Blob`/`File`, a fetch `Response`, or string or byte chunks (an iterable, async iterable, Node.js stream or Web `ReadableStream`). Bytes are UTF-8, gzip-compressed bytes are inflated (detected by their first two bytes). */
export type CsvInput = string | Blob | Response | ChunkSource;

function sourceName(input: CsvInput, options: CsvOptions): string {
  if (options.source !== undefined) return options.source;
  if (isResponse(input) && input.url) return input.url;
  if (typeof File !== 'undefined' && input instanceof File && input.name) return input.name;
  return 'CSV input';
}

/** The text of any CSV input, chunk by chunk; bytes are decoded as UTF-8 across chunk boundaries. */
async function* textChunks(input: CsvInput, source: string): AsyncGenerator<string> {
  if (typeof input === 'string') {
    yield input;
    return;
  }
  let chunks: AsyncIterable<string | Uint8Array>;
  if (isBlob(input) || isResponse(input)) chunks = byteChunks(input, source);
  else chunks = readChunks(input);
  const iterator = chunks[Symbol.asyncIterator]();
  // Every way out (the end, an error, a consumer that stops early) closes the source.
  try {
    const first = await iterator.next();
    if (first.done) return;
    const isText = typeof first.value === 'string';
    async function* rest(): AsyncGenerator<string | Uint8Array> {
      yield first.value as string | Uint8Array;
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        if ((typeof next.value === 'string') !== isText) throw new DataError(`${source}: a chunk source mixes text and bytes; give one or the other.`);
        yield next.value;
      }
    }
    if (isText) {
      yield* rest() as AsyncGenerator<string>;
      return;
    }
    const decoder = new TextDecoder('utf-8', { fatal: false });
    for await (const chunk of gunzipIfCompressed(rest() as AsyncGenerator<Uint8Array>, source)) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } finally {
    await iterator.return?.();
  }
}

/**
 * Streams typed rows from CSV text, a `Blob`/`File`, a fetch `Response`, or string or byte
 * chunks (a Node.js stream, a Web `ReadableStream`, any iterable). Memory stays bounded by one
 * record at a time; bytes are UTF-8 (decoded across chunk boundaries), gzip is inflated.
 *
 * @example
 * for await (const row of streamCsv(await fetch('/people.csv'), { schema: { age: 'integer' } })) console.log(row.age);
 */
export async function* streamCsv(input: CsvInput, options: CsvOptions = {}, report?: (r: CsvReport) => void): AsyncGenerator<CsvRow> {
  const source = sourceName(input, options);
  const parser = new CsvParser(source, options.delimiter ?? ',');
  const reader = new CsvRowReader({ ...options, source });
  for await (const text of textChunks(input, source)) yield* reader.read(parser.push(text));
  yield* reader.read(parser.end());
  report?.(reader.report);
}

/**
 * Reads every row of a CSV from text, a `Blob`/`File`, a fetch `Response` or chunks (see
 * `streamCsv`), with the same options, errors and line numbers as `parseCsv`.
 *
 * @example
 * const { rows, columns, badRows } = await readCsv(fileInput.files[0], { schema: { amount: 'number' }, onBadRow: 'collect' });
 */
export async function readCsv(input: CsvInput, options: CsvOptions = {}): Promise<{ rows: CsvRow[]; columns: string[] } & CsvReport> {
  const source = sourceName(input, options);
  const parser = new CsvParser(source, options.delimiter ?? ',');
  const reader = new CsvRowReader({ ...options, source });
  const rows: CsvRow[] = [];
  for await (const text of textChunks(input, source)) for (const row of reader.read(parser.push(text))) rows.push(row);
  for (const row of reader.read(parser.end())) rows.push(row);
  return { rows, columns: [...(reader.columns ?? [])], ...reader.report };
}

/**
 * Parses a whole CSV text.
 *
 * @example
 * const { rows, columns } = parseCsv('a,b\n1,x\n', { schema: { a: 'number' } }); // rows [{ a: 1, b: 'x' }]
 */
export function parseCsv(text: string, options: CsvOptions = {}): { rows: CsvRow[]; columns: string[] } & CsvReport {
  const parser = new CsvParser(options.source ?? 'CSV input', options.delimiter ?? ',');
  const reader = new CsvRowReader(options);
  const rows = [...reader.read(parser.push(text)), ...reader.read(parser.end())];
  return { rows, columns: [...(reader.columns ?? [])], ...reader.report };
}
