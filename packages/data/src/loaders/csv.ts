import { readChunks, type ChunkSource } from './chunk-source.js';
import { byteChunks, gunzipIfCompressed, isBlob, isResponse, type ByteInput } from './byte-input.js';
import { DataError, invalidValue } from '../errors.js';
import { CsvError, CsvParser, type CsvParserOptions, type CsvRecord } from './csv-parser.js';
import { Utf8ChunkDecoder, type InvalidUtf8 } from './utf8-decoder.js';

/**
 * How `readCsv` converts a column (a `CsvOptions.schema` entry): `number` (a decimal number,
 * exponent allowed), `integer` (digits only, within ±(2^53 − 1)), `boolean` (true/false,
 * 1/0, yes/no, any case), `string` and `category` (the text as it is). A field that does not
 * convert makes its row a bad row.
 */
export type ColumnType = 'number' | 'integer' | 'string' | 'boolean' | 'category';

/**
 * What a missing value (a field equal to one of `missingValues`) becomes: `'error'` (a bad
 * row), `'skip'` (the row is dropped and counted in `skippedForMissing`), `null`, or a fill
 * value of the column's type.
 */
export type MissingPolicy = 'error' | 'skip' | null | number | string | boolean;

/** A schema column given with options: its type and what its missing values become. */
export interface ColumnSpec {
  type: ColumnType;
  /**
   * What a missing value becomes. Number, integer, boolean and category columns default to
   * `onMissing` (itself `'error'` by default); string columns keep their text unless this is set.
   */
  missing?: MissingPolicy;
}

/** Column name → type or spec, as a `CsvOptions.schema` object. */
export type CsvSchema = Readonly<Record<string, ColumnType | Readonly<ColumnSpec>>>;

/**
 * Options of `readCsv` and `parseCsv`: the column types (which also type the rows), what
 * counts as missing and what it becomes, and what a malformed row or invalid UTF-8 does; plus
 * the parser's options (a name for messages, the delimiter, field and record size limits).
 */
export interface CsvOptions<S extends CsvSchema = CsvSchema, M extends MissingPolicy = MissingPolicy> extends CsvParserOptions {
  /**
   * Column name → type (or spec), as an object or a `Map`. Columns not listed stay strings;
   * listed columns must exist in the header. Any name works, `__proto__` and `constructor`
   * included (write `{ ['__proto__']: 'number' }` in an object literal, or use a Map). Given as
   * an object, it types the rows: `{ age: 'integer', city: 'string' }` gives rows with
   * `age: number` and `city: string` (see `CsvRowOf`).
   */
  schema?: S | ReadonlyMap<string, ColumnType | ColumnSpec>;
  /** Field texts that mean "missing". Default ['', 'NA', 'N/A', 'null', 'NaN']. */
  missingValues?: string[];
  /** Default `missing` of number, integer, boolean and category columns. Default `'error'`. */
  onMissing?: M;
  /** What a malformed row does: 'error' (default) throws naming the line and column; 'skip' drops it and counts it; 'collect' drops it and reports it. */
  onBadRow?: 'error' | 'skip' | 'collect';
  /** Bytes that are not UTF-8: `'error'` (default) stops with a `CsvError` naming the line; `'replace'` reads them as U+FFFD. */
  invalidUtf8?: InvalidUtf8;
}

/** A value in a CSV row: a number, string or boolean by its column's type, or null for a missing value that became null. */
export type CsvValue = number | string | boolean | null;
/** One row: column name → value. A null-prototype object, so a column may be called `__proto__`, `constructor` or `toString`. */
export type CsvRow = Record<string, CsvValue>;

type TypeOf<C> = C extends ColumnType ? C : C extends { type: infer T } ? T : never;
type ValueOfType<T> = T extends 'number' | 'integer' ? number : T extends 'boolean' ? boolean : string;
// What a missing value may become: the spec's `missing`, else `onMissing` (string columns keep
// their text unless `missing` is set); 'error' and 'skip' add nothing, null adds null, a fill
// value adds its own type.
type PolicyOf<C, M> = C extends { missing: infer P } ? P : TypeOf<C> extends 'string' ? 'error' : M;
type MissingValue<P> = P extends 'error' | 'skip' ? never : P extends null ? null : P extends number ? number : P extends boolean ? boolean : P extends string ? string : never;

/**
 * The row type a schema object gives: each listed column's value type (`number` for number and
 * integer columns, `boolean`, `string` for string and category columns), with `| null` when a
 * missing value becomes null (`missing: null`, or `onMissing: null` for non-string columns);
 * columns not listed are `CsvValue`.
 *
 * @example
 * type Loan = CsvRowOf<{ income: 'number'; grade: { type: 'category'; missing: null } }>; // { income: number; grade: string | null }
 */
export type CsvRowOf<S extends CsvSchema, M extends MissingPolicy = 'error'> = {
  -readonly [K in keyof S]: ValueOfType<TypeOf<S[K]>> | MissingValue<PolicyOf<S[K], M>>;
} & CsvRow;

/** A row `readCsv` could not convert (kept with `onBadRow: 'collect'` in `CsvReport.badRows`). */
export interface BadRow {
  /** Its line number in the file (1 is the first line). */
  line: number;
  /** Why it was refused: the error message it would have thrown. */
  message: string;
  /** Its fields as read, before conversion. */
  fields: string[];
}

/** Rows that did not become typed rows, reported instead of silently dropped. */
export interface CsvReport {
  /** With `onBadRow: 'collect'`: each bad row's line, message and fields. */
  badRows: BadRow[];
  /** Bad rows dropped (with `onBadRow: 'skip'` or `'collect'`). */
  skippedRows: number;
  /** Rows dropped because a column with `missing: 'skip'` had a missing value. */
  skippedForMissing: number;
}

/** Marks a row dropped by `missing: 'skip'`. */
const SKIP_ROW = Symbol('skip row');
type Converter = (text: string, line: number) => CsvValue | typeof SKIP_ROW;

/** Decimal numbers only: digits with an optional sign, point and exponent; no spaces, no hex, no Infinity. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A field for an error message: quoted, cut to 80 characters. */
function shown(text: string): string {
  return text.length <= 80 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 80))}… (${text.length} characters)`;
}

/** A column name for an error message, cut to 80 characters. */
function cut(name: string): string {
  return name.length <= 80 ? name : `${name.slice(0, 80)}…`;
}

const COLUMN_TYPES: readonly ColumnType[] = ['number', 'integer', 'string', 'boolean', 'category'];

function checkFill(name: string, spec: ColumnSpec, missing: MissingPolicy): void {
  if (missing === 'error' || missing === 'skip' || missing === null) return;
  const fits =
    spec.type === 'number' ? typeof missing === 'number' && Number.isFinite(missing)
    : spec.type === 'integer' ? Number.isSafeInteger(missing)
    : spec.type === 'boolean' ? typeof missing === 'boolean'
    : typeof missing === 'string';
  if (!fits) throw invalidValue(`missing of column \`${name}\``, 'readCsv', `'error', 'skip', null or a fill value of type ${spec.type}`, missing);
}

function converterFor(name: string, spec: ColumnSpec, missingValues: ReadonlySet<string>, source: string, missing: MissingPolicy | undefined): Converter {
  const at = (line: number) => `${source} line ${line}, column \`${cut(name)}\``;
  const fail = (line: number, expected: string, text: string) => new CsvError(`${at(line)}: expected ${expected}, received ${shown(text)}.`, 'bad-value', line, name);
  const convert = (text: string, line: number): CsvValue => {
    switch (spec.type) {
      case 'number': {
        if (!DECIMAL.test(text)) throw fail(line, 'a decimal number', text);
        const value = Number(text);
        if (!Number.isFinite(value)) throw fail(line, 'a number within ±1.8e308', text);
        if (INTEGER.test(text) && !Number.isSafeInteger(value)) throw fail(line, 'an integer within ±(2^53 − 1), which a number holds exactly (read the column as a string to keep it whole)', text);
        return value;
      }
      case 'integer': {
        if (!INTEGER.test(text)) throw fail(line, 'an integer', text);
        const value = Number(text);
        if (!Number.isSafeInteger(value)) throw fail(line, 'an integer within ±(2^53 − 1), which a number holds exactly (read the column as a string to keep it whole)', text);
        return value;
      }
      case 'boolean': {
        const lower = text.trim().toLowerCase();
        if (lower === 'true' || lower === '1' || lower === 'yes') return true;
        if (lower === 'false' || lower === '0' || lower === 'no') return false;
        throw fail(line, 'a boolean (true/false, 1/0, yes/no)', text);
      }
      default:
        return text;
    }
  };
  if (missing === undefined) return convert;
  return (text, line) => {
    if (!missingValues.has(text)) return convert(text, line);
    if (missing === 'error') {
      throw new CsvError(`${at(line)}: missing value ${shown(text)} in a ${spec.type} column whose \`missing\` is 'error' (set it, or onMissing, to null, 'skip' or a fill value).`, 'missing-value', line, name);
    }
    if (missing === 'skip') return SKIP_ROW;
    return missing;
  };
}

function schemaEntries(schema: CsvOptions['schema']): Map<string, ColumnType | ColumnSpec> {
  if (schema === undefined) return new Map();
  if (schema instanceof Map) return new Map(schema);
  if (schema === null || typeof schema !== 'object') throw invalidValue('schema', 'readCsv', 'an object or a Map of column name → type', schema);
  // Own keys only: a column called `constructor` must not find Object.prototype.constructor.
  return new Map(Object.keys(schema).map((name) => [name, (schema as Record<string, ColumnType | ColumnSpec>)[name]!]));
}

/**
 * Turns raw records into typed rows: the first record is the header; rows with the wrong
 * number of fields or values that do not fit their column are bad rows, handled per `onBadRow`.
 */
export class CsvRowReader {
  private header: string[] | null = null;
  private converters: Converter[] = [];
  readonly report: CsvReport = { badRows: [], skippedRows: 0, skippedForMissing: 0 };
  private readonly source: string;
  private readonly onBadRow: NonNullable<CsvOptions['onBadRow']>;
  private readonly schema: Map<string, ColumnType | ColumnSpec>;

  constructor(private readonly options: CsvOptions = {}) {
    this.source = options.source ?? 'CSV input';
    this.onBadRow = options.onBadRow ?? 'error';
    if (!['error', 'skip', 'collect'].includes(this.onBadRow)) throw invalidValue('onBadRow', 'readCsv', "'error', 'skip' or 'collect'", this.onBadRow);
    if (options.invalidUtf8 !== undefined && options.invalidUtf8 !== 'error' && options.invalidUtf8 !== 'replace') {
      throw invalidValue('invalidUtf8', 'readCsv', "'error' or 'replace'", options.invalidUtf8);
    }
    this.schema = schemaEntries(options.schema);
  }

  /** The header, once the first record has been read. */
  get columns(): readonly string[] | null {
    return this.header;
  }

  /** Converts a batch of records (the header first, in the first batch) into rows; bad rows go by `onBadRow`. */
  read(records: CsvRecord[]): CsvRow[] {
    return [...this.rows(records)];
  }

  /** The typed rows of `records`, one at a time: every good row comes out before an error. */
  *rows(records: Iterable<CsvRecord>): Generator<CsvRow> {
    for (const record of records) {
      if (this.header === null) {
        this.setHeader(record);
        continue;
      }
      let row: CsvRow | null;
      try {
        row = this.convert(record);
      } catch (error) {
        if (this.onBadRow === 'error' || !(error instanceof CsvError)) throw error;
        this.report.skippedRows++;
        if (this.onBadRow === 'collect') this.report.badRows.push({ line: record.line, message: error.message, fields: record.fields });
        continue;
      }
      if (row === null) this.report.skippedForMissing++;
      else yield row;
    }
  }

  private setHeader(record: CsvRecord): void {
    const header = record.fields.map((f) => f.trim());
    const seen = new Set<string>();
    const headerError = (what: string) => new CsvError(`${this.source} line ${record.line}: ${what}`, 'bad-header', record.line);
    header.forEach((name, i) => {
      if (name === '') throw headerError(`header column ${i + 1} has no name.`);
      if (seen.has(name)) throw headerError(`header names column \`${cut(name)}\` twice.`);
      seen.add(name);
    });
    for (const name of this.schema.keys()) {
      if (!seen.has(name)) {
        const columns = header.length <= 50 ? header.join(', ') : `${header.slice(0, 50).join(', ')}, … (${header.length} in all)`;
        throw new CsvError(`${this.source}: the schema names column \`${name}\`, which the header does not have (columns: ${columns}).`, 'bad-header', record.line, name);
      }
    }
    const missingValues = new Set(this.options.missingValues ?? ['', 'NA', 'N/A', 'null', 'NaN']);
    const onMissing = this.options.onMissing === undefined ? 'error' : this.options.onMissing;
    this.converters = header.map((name) => {
      const raw = this.schema.get(name);
      // Untyped columns keep their text, even when it looks like a missing token.
      if (raw === undefined) return (text: string) => text;
      const spec: ColumnSpec = typeof raw === 'string' ? { type: raw } : raw;
      if (spec === null || typeof spec !== 'object' || !COLUMN_TYPES.includes(spec.type)) {
        throw invalidValue(`schema.${name}`, 'readCsv', 'number, integer, string, boolean or category', typeof raw === 'object' && raw !== null ? raw.type : raw);
      }
      const missing = spec.missing !== undefined ? spec.missing : spec.type === 'string' ? undefined : onMissing;
      if (missing !== undefined) checkFill(name, spec, missing);
      return converterFor(name, spec, missingValues, this.source, missing);
    });
    this.header = header;
  }

  /** The typed row, or null when a `missing: 'skip'` column drops it. */
  private convert(record: CsvRecord): CsvRow | null {
    const header = this.header!;
    if (record.fields.length !== header.length) {
      throw new CsvError(`${this.source} line ${record.line}: expected ${header.length} fields (as in the header), received ${record.fields.length}.`, 'field-count', record.line);
    }
    const row = Object.create(null) as CsvRow;
    let skip = false;
    for (let i = 0; i < header.length; i++) {
      const value = this.converters[i]!(record.fields[i]!, record.line);
      if (value === SKIP_ROW) skip = true;
      else row[header[i]!] = value;
    }
    return skip ? null : row;
  }
}

/** Where CSV text can come from: the text itself, its bytes, a `Blob`/`File`, a fetch `Response`, or string or byte chunks (an iterable, async iterable, Node.js stream or Web `ReadableStream`). Bytes are UTF-8, gzip-compressed bytes are inflated (detected by their first two bytes). */
export type CsvInput = string | ArrayBuffer | ArrayBufferView | Blob | Response | ChunkSource;

function sourceName(input: CsvInput, options: CsvOptions): string {
  if (options.source !== undefined) return options.source;
  if (isResponse(input) && input.url) return input.url;
  if (typeof File !== 'undefined' && input instanceof File && input.name) return input.name;
  return 'CSV input';
}

/**
 * The records of any CSV input, chunk by chunk, through one parser: bytes are decoded as
 * UTF-8 across chunk boundaries (invalid bytes stop with a `CsvError` naming the line unless
 * `invalidUtf8: 'replace'`).
 */
async function* csvRecords(input: CsvInput, source: string, options: CsvOptions): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser({ ...options, source });
  if (typeof input === 'string') {
    yield parser.push(input);
    yield parser.end();
    return;
  }
  const isBytes = input instanceof ArrayBuffer || ArrayBuffer.isView(input);
  const chunks = isBytes || isBlob(input) || isResponse(input) ? byteChunks(input as ByteInput, source) : readChunks(input as ChunkSource);
  const iterator = chunks[Symbol.asyncIterator]();
  // Every way out (the end, an error, a consumer that stops early) closes the source.
  try {
    const first = await iterator.next();
    if (!first.done) {
      const isText = typeof first.value === 'string';
      const checked = (chunk: unknown): string | Uint8Array => {
        if (isText ? typeof chunk === 'string' : chunk instanceof Uint8Array) return chunk as string | Uint8Array;
        if (!isText && ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        throw new DataError(`${source}: expected every chunk to be ${isText ? 'a string (like the first)' : 'bytes (a Uint8Array, like the first)'}; received ${typeof chunk === 'object' ? Object.prototype.toString.call(chunk) : typeof chunk}.`);
      };
      const head = checked(first.value);
      async function* all(): AsyncGenerator<string | Uint8Array> {
        yield head;
        while (true) {
          const next = await iterator.next();
          if (next.done) return;
          yield checked(next.value);
        }
      }
      if (isText) {
        for await (const text of all() as AsyncGenerator<string>) yield parser.push(text);
      } else {
        const decoder = new Utf8ChunkDecoder(options.invalidUtf8 ?? 'error');
        // A parser error earlier in the text than the invalid bytes comes first.
        const parserFailure = (): unknown => {
          try {
            parser.push('');
            return undefined;
          } catch (failure) {
            return failure;
          }
        };
        const pushDecoded = ({ text, invalid }: { text: string; invalid?: Uint8Array }): { records: CsvRecord[]; error?: CsvError } => {
          const records = text ? parser.push(text) : [];
          if (invalid === undefined) return { records };
          const bytes = Array.from(invalid, (b) => b.toString(16).padStart(2, '0')).join(' ');
          const line = parser.currentLine;
          const message = `${source} line ${line}: invalid UTF-8 (bytes ${bytes}); is the file in another encoding? Pass invalidUtf8: 'replace' to read such bytes as U+FFFD.`;
          return { records, error: new CsvError(message, 'invalid-utf8', line) };
        };
        for await (const chunk of gunzipIfCompressed(all() as AsyncGenerator<Uint8Array>, source)) {
          // The records before bad bytes are good: hand them out first, then stop.
          const { records, error } = pushDecoded(decoder.decode(chunk));
          yield records;
          if (error) throw parserFailure() ?? error;
        }
        const { records, error } = pushDecoded(decoder.end());
        yield records;
        if (error) throw parserFailure() ?? error;
      }
    }
  } finally {
    await iterator.return?.(undefined);
  }
  yield parser.end();
}

/**
 * Streams typed rows from CSV text, a `Blob`/`File`, a fetch `Response`, or string or byte
 * chunks (a Node.js stream, a Web `ReadableStream`, any iterable). Memory stays bounded by one
 * record at a time (`maxFieldBytes`, `maxRecordBytes`); bytes are UTF-8 (decoded across chunk
 * boundaries), gzip is inflated.
 *
 * @example
 * for await (const row of streamCsv(await fetch('/people.csv'), { schema: { age: 'integer' } })) console.log(row.age);
 */
export async function* streamCsv<const S extends CsvSchema = {}, const M extends MissingPolicy = 'error'>(
  input: CsvInput,
  options: CsvOptions<S, M> = {},
  report?: (r: CsvReport) => void,
): AsyncGenerator<CsvRowOf<S, M>> {
  const source = sourceName(input, options);
  const reader = new CsvRowReader({ ...options, source });
  for await (const records of csvRecords(input, source, options)) yield* reader.rows(records) as Iterable<CsvRowOf<S, M>>;
  report?.(reader.report);
}

/**
 * Reads every row of a CSV from text, a `Blob`/`File`, a fetch `Response` or chunks (see
 * `streamCsv`), with the same options, errors and line numbers as `parseCsv`.
 *
 * @example
 * const { rows, columns, badRows } = await readCsv(fileInput.files[0], { schema: { amount: 'number' }, onBadRow: 'collect' });
 */
export async function readCsv<const S extends CsvSchema = {}, const M extends MissingPolicy = 'error'>(
  input: CsvInput,
  options: CsvOptions<S, M> = {},
): Promise<{ rows: CsvRowOf<S, M>[]; columns: string[] } & CsvReport> {
  const source = sourceName(input, options);
  const reader = new CsvRowReader({ ...options, source });
  const rows: CsvRowOf<S, M>[] = [];
  for await (const records of csvRecords(input, source, options)) for (const row of reader.read(records)) rows.push(row as CsvRowOf<S, M>);
  return { rows, columns: [...(reader.columns ?? [])], ...reader.report };
}

/**
 * Parses a whole CSV text.
 *
 * @example
 * const { rows, columns } = parseCsv('a,b\n1,x\n', { schema: { a: 'number' } }); // rows [{ a: 1, b: 'x' }]
 */
export function parseCsv<const S extends CsvSchema = {}, const M extends MissingPolicy = 'error'>(
  text: string,
  options: CsvOptions<S, M> = {},
): { rows: CsvRowOf<S, M>[]; columns: string[] } & CsvReport {
  const parser = new CsvParser(options);
  const reader = new CsvRowReader(options);
  const rows = [...reader.read(parser.push(text)), ...reader.read(parser.end())] as CsvRowOf<S, M>[];
  return { rows, columns: [...(reader.columns ?? [])], ...reader.report };
}
