import { parquetMetadata, parquetRead, snappyUncompress, type FileMetaData, type SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { CsrMatrix } from './csr-matrix.js';
import { invalidValue, RecommenderError } from './errors.js';
import { IdMapping } from './id-mapping.js';
import { ImplicitAls } from './implicit-als.js';

/** One Spark ALS factor table (`userFactors` or `itemFactors`): an id per row and `rank` floats per row, row-major. */
export interface SparkFactors {
  /** Spark's `id` column (an Int), one per row, each once. */
  ids: Int32Array;
  /** Spark's `features` column: row i is `factors.subarray(i * rank, (i + 1) * rank)`. */
  factors: Float32Array;
  rank: number;
}

/** Limits applied to a factor table before anything is allocated from it. */
export interface SparkFactorLimits {
  /** Largest Parquet file read, in bytes (default 512 MiB). */
  maxBytes?: number;
  /** Most rows of one table, all its part files together (default 5,000,000). */
  maxRows?: number;
  /** Largest rank (floats per row; default 1,024). */
  maxRank?: number;
  /** Most floats of one table, rows × rank (default 2^25 = 33,554,432: 128 MiB as float32, e.g. 1M items of rank 32). */
  maxValues?: number;
}

/** The Spark SQL schema Spark stores in every factor file (`org.apache.spark.sql.parquet.row.metadata`). */
export const SPARK_FACTORS_ROW_METADATA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'integer', nullable: false, metadata: {} },
    { name: 'features', type: { type: 'array', elementType: 'float', containsNull: false }, nullable: true, metadata: {} },
  ],
});

/**
 * The Parquet schema Spark (parquet-mr, `spark.sql.parquet.writeLegacyFormat=false`, the
 * default) writes for a DataFrame of (id: int not null, features: array<float> with no null
 * elements): the three-level LIST of the Parquet format spec, with Spark's names `list` and `element`.
 *
 *     message spark_schema {
 *       required int32 id;
 *       optional group features (LIST) {
 *         repeated group list {
 *           required float element;
 *         }
 *       }
 *     }
 */
export const SPARK_FACTORS_SCHEMA: readonly SchemaElement[] = [
  { name: 'spark_schema', num_children: 2 },
  { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'features', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
];

const DEFAULT_LIMITS: Required<SparkFactorLimits> = { maxBytes: 512 * 2 ** 20, maxRows: 5_000_000, maxRank: 1024, maxValues: 2 ** 25 };

function limitsOf(options: SparkFactorLimits, where: string): Required<SparkFactorLimits> {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SparkFactorLimits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw invalidValue(key, where, 'a positive integer', value);
    limits[key] = value;
  }
  return limits;
}

/** "userFactors/part-00000.parquet: " — the file a message is about. */
const prefix = (name: string | undefined) => (name === undefined ? '' : `${name}: `);

function refuse(name: string | undefined, message: string): RecommenderError {
  return new RecommenderError(`${prefix(name)}${message}`);
}

function describeElement(element: SchemaElement | undefined): string {
  if (element === undefined) return 'nothing';
  const kind = element.type ?? (element.converted_type === 'LIST' ? 'group (LIST)' : 'group');
  return `${(element.repetition_type ?? 'REQUIRED').toLowerCase()} ${kind} ${JSON.stringify(element.name.slice(0, 40))}`;
}

/**
 * Checks a factor file's schema: two columns, `id` an INT32 and `features` a LIST of FLOAT in
 * the Parquet spec's three-level form that Spark writes (`repeated group list { required float
 * element; }`; any names, an optional element too). Returns the elements down to the float.
 */
function checkSchema(schema: SchemaElement[], name: string | undefined): SchemaElement[] {
  const expected = 'the schema of a Spark ALS factor table: (id: int, features: array<float>)';
  const root = schema[0];
  const wrong = (what: string, received: string): never => {
    throw refuse(name, `Invalid value for \`${what}\` in readSparkFactors. Expected ${expected}. Received: ${received}.`);
  };
  if (root === undefined || root.num_children !== 2) wrong('schema', `${root?.num_children ?? 0} top-level columns`);
  const id = schema[1]!;
  if (id.name !== 'id' || id.type !== 'INT32' || (id.num_children ?? 0) > 0 || id.repetition_type === 'REPEATED') wrong('id', describeElement(id));
  if (id.converted_type !== undefined && id.converted_type !== 'INT_32') wrong('id', `INT32 as ${id.converted_type}`);
  const features = schema[2];
  if (features?.name !== 'features' || features.converted_type !== 'LIST' || features.num_children !== 1 || features.repetition_type === 'REPEATED') {
    wrong('features', describeElement(features));
  }
  const repeated = schema[3];
  if (repeated?.repetition_type !== 'REPEATED') wrong('features', `a list whose middle level is ${describeElement(repeated)}`);
  // Spark's legacy two-level list (writeLegacyFormat=true: `repeated float array`) is refused here by name.
  if (repeated!.type !== undefined) wrong('features', `the two-level list \`repeated ${repeated!.type.toLowerCase()} ${repeated!.name}\` (spark.sql.parquet.writeLegacyFormat=true; save with the default)`);
  const element = schema[4];
  if (repeated!.num_children !== 1 || element === undefined || schema.length !== 5) wrong('features', `a list of ${repeated!.num_children ?? 0} fields`);
  if (element!.type !== 'FLOAT' || element!.repetition_type === 'REPEATED') wrong('features', `a list of ${describeElement(element)}`);
  return [features!, repeated!, element!];
}

interface Plan {
  rows: number;
  rank: number;
  /** Schema elements from the root's child down to the leaf, per column path ('id', 'features.list.element'). */
  columns: Map<string, SchemaElement[]>;
}

/** Everything checked from the footer, before a page is read: schema, codecs, row and value counts, declared sizes. */
function planFile(metadata: FileMetaData, name: string | undefined, limits: Required<SparkFactorLimits>, rowsSoFar: number): Plan {
  const featureElements = checkSchema(metadata.schema, name);
  const featurePath = featureElements.map((element) => element.name);
  const columns = new Map([
    ['id', [metadata.schema[1]!]],
    [featurePath.join('.'), featureElements],
  ]);
  const rows = Number(metadata.num_rows);
  if (!Number.isSafeInteger(rows) || rows < 0 || rowsSoFar + rows > limits.maxRows) {
    throw refuse(name, `Invalid value for \`num_rows\` in readSparkFactors. Expected at most ${limits.maxRows - rowsSoFar} more rows (maxRows ${limits.maxRows}). Received: ${metadata.num_rows}.`);
  }
  let groupRows = 0;
  let values = 0;
  let idValues = 0;
  metadata.row_groups.forEach((group, g) => {
    groupRows += Number(group.num_rows);
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (meta === undefined) throw refuse(name, `row group ${g}: a column chunk without metadata (an encrypted or external chunk); refused.`);
      if (meta.codec !== 'SNAPPY' && meta.codec !== 'UNCOMPRESSED') {
        throw refuse(name, `Invalid value for \`codec\` of row group ${g} in readSparkFactors. Expected SNAPPY (Spark's default) or UNCOMPRESSED. Received: ${meta.codec}.`);
      }
      const path = meta.path_in_schema.join('.');
      if (path === 'id') idValues += Number(meta.num_values);
      else if (path === featurePath.join('.')) values += Number(meta.num_values);
      else throw refuse(name, `row group ${g}: a column chunk for \`${path.slice(0, 80)}\`, which the schema does not have.`);
    }
  });
  if (groupRows !== rows || idValues !== rows) {
    throw refuse(name, `Invalid value for \`row_groups\` in readSparkFactors. Expected ${rows} rows and ids, as num_rows says. Received: ${groupRows} rows, ${idValues} ids.`);
  }
  const rank = rows === 0 ? 0 : values / rows;
  if (!Number.isInteger(rank) || rank > limits.maxRank || (rows > 0 && rank < 1)) {
    throw refuse(name, `Invalid value for \`features\` in readSparkFactors. Expected the same number of floats, 1 to maxRank (${limits.maxRank}), in every row. Received: ${values} floats in ${rows} rows.`);
  }
  if (values > limits.maxValues) {
    throw refuse(name, `Invalid value for \`features\` in readSparkFactors. Expected at most maxValues (${limits.maxValues}) floats. Received: ${values} (${rows} rows of ${rank}).`);
  }
  return { rows, rank, columns };
}

/** Bits of a level or dictionary index of values up to `max`. */
const bitWidth = (max: number) => (max === 0 ? 0 : 32 - Math.clz32(max));

/**
 * Walks one RLE / bit-packed hybrid stream (levels, dictionary indices) of `count` values in
 * bytes[start, end) without decoding it: every run must fit the values still expected and the
 * bytes left. hyparquet 1.31 writes an RLE run's whole length into its output array, whatever
 * the page header said, so a hostile run of 2^30 would grow a JS array until V8 aborts the
 * process; a zero-width bit-packed run of 2^34 values would spin. Checked here, before it decodes.
 */
function checkHybrid(bytes: Uint8Array, start: number, end: number, count: number, width: number, fail: (message: string) => never): void {
  if (width > 32) fail(`a bit width of ${width}`);
  let position = start;
  let seen = 0;
  while (seen < count) {
    if (position >= end) fail(`a level or index stream ending after ${seen} of ${count} values`);
    let header = 0;
    let shift = 0;
    for (;;) {
      if (position >= end || shift > 28) fail('a malformed run header');
      const byte = bytes[position++]!;
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    const runs = Math.floor(header / 2);
    if (header % 2 === 1) {
      // Bit-packed: runs groups of 8 values, runs × width bytes.
      if (runs * 8 > count - seen + 7 || position + runs * width > end) fail(`a bit-packed run of ${runs * 8} values where ${count - seen} remain`);
      position += runs * width;
      seen += runs * 8;
    } else {
      if (runs > count - seen) fail(`a run of ${runs} values where ${count - seen} remain`);
      position += (width + 7) >> 3;
      seen += runs;
    }
  }
}

const VALUE_ENCODINGS = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY']);

/**
 * Reads every page header of every column chunk, and the level and dictionary-index streams of
 * every data page, before hyparquet decodes anything: page sizes within the chunk and within
 * `pageLimit` uncompressed, value counts adding up to the chunk's (checked against the rows
 * from the footer), only the encodings Spark writes, and the hybrid streams sound (checkHybrid).
 */
function checkPages(bytes: Uint8Array, metadata: FileMetaData, plan: Plan, name: string | undefined, pageLimit: number, decompress: (input: Uint8Array, size: number) => Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataEnd = bytes.byteLength - 8 - view.getUint32(bytes.byteLength - 8, true);
  metadata.row_groups.forEach((group, g) => {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data!;
      const path = meta.path_in_schema.join('.');
      const elements = plan.columns.get(path)!;
      const maxRepetition = elements.filter((e) => e.repetition_type === 'REPEATED').length;
      const maxDefinition = elements.filter((e) => e.repetition_type !== 'REQUIRED' && e.repetition_type !== undefined).length;
      const where = `row group ${g}, column \`${path}\``;
      const fail = (message: string): never => {
        throw refuse(name, `${where}: ${message}; refused.`);
      };
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      if (!(start >= 4 && end <= dataEnd && start < end)) fail(`a column chunk at bytes ${start} to ${end}, outside the file's data (4 to ${dataEnd})`);
      const expected = Number(meta.num_values);
      let values = 0;
      let offset = start;
      let pages = 0;
      while (values < expected) {
        if (offset >= end || ++pages > expected + 2) fail(`pages holding ${values} of the ${expected} values the footer declares`);
        const reader = { view, offset };
        let header: ReturnType<typeof parquetHeader>;
        try {
          header = parquetHeader(reader);
        } catch (error) {
          return fail(`an unreadable page header at byte ${offset} (${(error as Error).message})`);
        }
        const body = reader.offset;
        const compressed = header.compressed_page_size;
        const uncompressed = header.uncompressed_page_size;
        if (!Number.isSafeInteger(compressed) || compressed < 0 || body + compressed > end) fail(`a page of ${compressed} bytes at byte ${body}, past its column chunk (${end})`);
        if (!Number.isSafeInteger(uncompressed) || uncompressed < 0 || uncompressed > pageLimit) fail(`a page claiming ${uncompressed} bytes uncompressed, more than the table can hold (${pageLimit})`);
        const page = bytes.subarray(body, body + compressed);
        offset = body + compressed;
        if (header.type === 'DICTIONARY_PAGE') {
          const count = header.dictionary_page_header?.num_values ?? -1;
          if (!(count >= 0 && count <= expected)) fail(`a dictionary of ${count} values`);
          continue;
        }
        const v1 = header.type === 'DATA_PAGE' ? header.data_page_header : undefined;
        const v2 = header.type === 'DATA_PAGE_V2' ? header.data_page_header_v2 : undefined;
        if (v1 === undefined && v2 === undefined) fail(`a ${String(header.type)} page`);
        const count = (v1 ?? v2)!.num_values;
        if (!(Number.isSafeInteger(count) && count >= 1 && values + count <= expected)) fail(`a data page of ${count} values where ${expected - values} remain`);
        const encoding = String((v1 ?? v2)!.encoding);
        if (!VALUE_ENCODINGS.has(encoding)) fail(`the value encoding ${encoding} (Spark writes PLAIN or dictionary pages)`);
        values += count;
        let valuesStart: number;
        let content: Uint8Array;
        if (v1 !== undefined) {
          content = meta.codec === 'SNAPPY' ? decompress(page, uncompressed) : page;
          let position = 0;
          for (const [max, what] of [
            [maxRepetition, 'repetition'],
            [maxDefinition, 'definition'],
          ] as const) {
            if (max === 0) continue;
            if (position + 4 > content.length) fail(`no ${what} levels`);
            const length = new DataView(content.buffer, content.byteOffset + position, 4).getUint32(0, true);
            if (position + 4 + length > content.length) fail(`${what} levels of ${length} bytes in a page of ${content.length}`);
            checkHybrid(content, position + 4, position + 4 + length, count, bitWidth(max), (m) => fail(`${what} levels with ${m}`));
            position += 4 + length;
          }
          valuesStart = position;
        } else {
          const repetitionBytes = v2!.repetition_levels_byte_length;
          const definitionBytes = v2!.definition_levels_byte_length;
          const nulls = v2!.num_nulls;
          if (!(Number.isSafeInteger(nulls) && nulls >= 0 && nulls <= count)) fail(`${nulls} nulls in a page of ${count} values`);
          if (!(repetitionBytes >= 0 && definitionBytes >= 0 && repetitionBytes + definitionBytes <= Math.min(compressed, uncompressed))) fail(`levels of ${repetitionBytes} + ${definitionBytes} bytes in a page of ${compressed}`);
          if (maxRepetition > 0) checkHybrid(page, 0, repetitionBytes, count, bitWidth(maxRepetition), (m) => fail(`repetition levels with ${m}`));
          if (maxDefinition > 0) checkHybrid(page, repetitionBytes, repetitionBytes + definitionBytes, count, bitWidth(maxDefinition), (m) => fail(`definition levels with ${m}`));
          const rest = page.subarray(repetitionBytes + definitionBytes);
          content = v2!.is_compressed !== false && meta.codec === 'SNAPPY' ? decompress(rest, uncompressed - repetitionBytes - definitionBytes) : rest;
          valuesStart = 0;
        }
        if (encoding !== 'PLAIN') {
          if (valuesStart >= content.length) fail('no dictionary indices');
          checkHybrid(content, valuesStart + 1, content.length, count, content[valuesStart]!, (m) => fail(`dictionary indices with ${m}`));
        }
      }
      // hyparquet reads a nested column's pages up to the end of its chunk: nothing may follow the last.
      if (offset !== end) fail(`${end - offset} bytes after the page that completes the ${expected} values`);
    }
  });
}

function toArrayBuffer(part: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (part instanceof ArrayBuffer) return part;
  if (part instanceof Uint8Array) return part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer;
  throw invalidValue('parts', 'readSparkFactors', 'Uint8Array or ArrayBuffer Parquet files', part);
}

/** A Parquet file of a factor table, with the name messages use for it. */
export interface SparkFactorPart {
  bytes: Uint8Array | ArrayBuffer;
  /** Shown in errors, e.g. 'userFactors/part-00000-….snappy.parquet'. */
  name?: string;
}

/**
 * Reads one Spark ALS factor table, `userFactors` or `itemFactors`, from its Parquet part files
 * (Spark writes one per partition; give them all, in any order) with hyparquet. The files are
 * hostile input: each file's size (`maxBytes`) is checked before parsing; then, from the footer
 * alone, the schema (id: INT32, features: Spark's three-level LIST of FLOAT), the codec (SNAPPY or
 * none), the rows (`maxRows`, all parts together) and floats per row (`maxRank`, `maxValues`);
 * then every page header and every level and dictionary-index stream (sizes within the chunk and
 * the table, counts adding up, no run longer than the values left) — all before hyparquet
 * decodes a page or anything is allocated from a count in the file. Then every row has `rank`
 * finite floats, no id or list is null, and no id repeats. Each refusal is a `RecommenderError`
 * naming the file and, where it can, the row, column or field.
 *
 * @example
 * import { readSparkFactors } from '@loom-ml/recommenders/spark';
 * const users = await readSparkFactors([{ bytes: await (await fetch('/model/userFactors/part-00000.parquet')).arrayBuffer() }]);
 * users.rank; // 10
 */
export async function readSparkFactors(parts: readonly SparkFactorPart[], options: SparkFactorLimits = {}): Promise<SparkFactors> {
  const where = 'readSparkFactors';
  const limits = limitsOf(options, where);
  if (!Array.isArray(parts) || parts.length === 0) throw invalidValue('parts', where, 'one or more Parquet files ({ bytes, name })', parts);
  const files: { buffer: ArrayBuffer; metadata: FileMetaData; plan: Plan; name: string | undefined }[] = [];
  let rows = 0;
  for (const part of parts) {
    const name = part?.name;
    const buffer = toArrayBuffer(part?.bytes as Uint8Array);
    if (buffer.byteLength > limits.maxBytes) {
      throw refuse(name, `The Parquet file has ${buffer.byteLength} bytes, more than maxBytes (${limits.maxBytes}); raise it if you trust the file.`);
    }
    let metadata: FileMetaData;
    try {
      // geoparquet: false — hyparquet's GeoParquet pass steps through the schema by num_children,
      // and a negative count (one corrupted byte) sends it round forever; factor tables have no geometry.
      metadata = parquetMetadata(buffer, { geoparquet: false });
    } catch (error) {
      throw refuse(name, `Not a readable Parquet file (${(error as Error).message}). Was it truncated?`);
    }
    let plan: Plan;
    try {
      plan = planFile(metadata, name, limits, rows);
    } catch (error) {
      if (error instanceof RecommenderError) throw error;
      throw refuse(name, `Not a readable Parquet file (${(error as Error).message}).`);
    }
    rows += plan.rows;
    files.push({ buffer, metadata, plan, name });
  }
  const rank = files.find((file) => file.plan.rows > 0)?.plan.rank ?? 0;
  const other = files.find((file) => file.plan.rows > 0 && file.plan.rank !== rank);
  if (other !== undefined) throw refuse(other.name, `Invalid value for \`features\` in ${where}. Expected ${rank} floats per row, as in the other part files. Received: ${other.plan.rank}.`);
  if (rows * rank > limits.maxValues) throw invalidValue('features', where, `at most maxValues (${limits.maxValues}) floats in all the part files`, `${rows} rows of ${rank}`);

  const ids = new Int32Array(rows);
  const factors = new Float32Array(rows * rank);
  let start = 0;
  for (const { buffer, metadata, plan, name } of files) {
    const badRow = (row: number, message: string) => refuse(name, `row ${row}: ${message}`);
    // A page may not decompress to more than its whole column chunk holds at most (4 bytes a
    // value, 1 KiB of levels and headers a row group): a hostile page header cannot make us
    // allocate gigabytes.
    const pageLimit = Math.max(plan.rows * (rank * 4 + 16), 0) + 2 ** 20;
    const decompress = (input: Uint8Array, outputLength: number) => {
      if (!Number.isSafeInteger(outputLength) || outputLength < 0 || outputLength > pageLimit) {
        throw refuse(name, `a page claims ${outputLength} bytes uncompressed, more than its table can hold (${pageLimit}); refused.`);
      }
      const output = new Uint8Array(outputLength);
      try {
        snappyUncompress(input, output);
      } catch (error) {
        throw refuse(name, `a page does not decompress (${(error as Error).message}); refused.`);
      }
      return output;
    };
    try {
      checkPages(new Uint8Array(buffer), metadata, plan, name, pageLimit, decompress);
    } catch (error) {
      if (error instanceof RecommenderError) throw error;
      throw refuse(name, `Not a readable Parquet file (${(error as Error).message}).`);
    }
    const compressors = { SNAPPY: decompress };
    const filled = new Uint8Array(plan.rows * 2); // [id seen, features seen] per row
    const copyChunk = (columnName: string, columnData: ArrayLike<unknown>, rowStart: number): void => {
      for (let r = 0; r < columnData.length; r++) {
        const row = rowStart + r;
        if (row >= plan.rows) throw badRow(row, `more rows than num_rows (${plan.rows}).`);
        const value = columnData[r] as unknown;
        if (columnName === 'id') {
          if (typeof value !== 'number' || !Number.isInteger(value)) throw badRow(row, `Invalid value for \`id\`. Expected an integer. Received: ${String(value)}.`);
          ids[start + row] = value;
          filled[row * 2] = 1;
        } else {
          if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw badRow(row, `Invalid value for \`features\`. Expected ${rank} floats. Received: ${value === null || value === undefined ? 'null' : typeof value}.`);
          const list = value as ArrayLike<unknown>;
          if (list.length !== rank) throw badRow(row, `Invalid value for \`features\`. Expected ${rank} floats. Received: ${list.length}.`);
          const offset = (start + row) * rank;
          for (let j = 0; j < rank; j++) {
            const x = list[j];
            if (typeof x !== 'number' || !Number.isFinite(x)) throw badRow(row, `Invalid value for \`features[${j}]\`. Expected a finite float. Received: ${String(x)}.`);
            factors[offset + j] = x;
          }
          filled[row * 2 + 1] = 1;
        }
      }
    };
    // hyparquet does not wait for onChunk: the first problem is kept and thrown once it returns.
    let problem: RecommenderError | undefined;
    try {
      await parquetRead({
        file: buffer,
        metadata,
        compressors,
        columns: ['id', 'features'],
        onChunk: ({ columnName, columnData, rowStart }) => {
          if (problem === undefined) {
            try {
              copyChunk(columnName, columnData, rowStart);
            } catch (error) {
              problem = error instanceof RecommenderError ? error : refuse(name, `Not a readable Parquet file (${(error as Error).message}).`);
            }
          }
        },
      });
    } catch (error) {
      if (error instanceof RecommenderError) throw error;
      throw refuse(name, `Not a readable Parquet file (${(error as Error).message}).`);
    }
    if (problem !== undefined) throw problem;
    const missing = filled.indexOf(0);
    if (missing >= 0) throw badRow(missing >> 1, `no ${missing % 2 === 0 ? 'id' : 'features'} value was read (the column chunks hold fewer rows than num_rows).`);
    start += plan.rows;
  }
  const seen = new Set<number>();
  for (let i = 0; i < ids.length; i++) {
    if (seen.size === seen.add(ids[i]!).size) throw invalidValue('id', where, 'each id once in a factor table', ids[i]);
  }
  return { ids, factors, rank };
}

/**
 * Writes one factor table as a Parquet file in Spark's layout ({@link SPARK_FACTORS_SCHEMA},
 * Spark's row metadata, snappy), which Spark reads back as (id: int, features: array<float>).
 *
 * @example
 * const bytes = sparkFactorsToParquet({ ids: Int32Array.of(1, 2), factors: Float32Array.of(0.1, 0.2, 0.3, 0.4), rank: 2 });
 */
export function sparkFactorsToParquet(table: SparkFactors): Uint8Array {
  const where = 'sparkFactorsToParquet';
  const { ids, factors, rank } = table;
  if (!Number.isInteger(rank) || rank < 1) throw invalidValue('rank', where, 'a positive integer', rank);
  if (!(factors instanceof Float32Array) || factors.length !== ids.length * rank) {
    throw invalidValue('factors', where, `a Float32Array of ids.length × rank = ${ids.length * rank} floats`, factors?.length);
  }
  const features: number[][] = [];
  for (let i = 0; i < ids.length; i++) features.push(Array.from(factors.subarray(i * rank, (i + 1) * rank)));
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Int32Array.from(ids) },
      { name: 'features', data: features },
    ],
    schema: SPARK_FACTORS_SCHEMA.map((element) => ({ ...element })),
    kvMetadata: [{ key: 'org.apache.spark.sql.parquet.row.metadata', value: SPARK_FACTORS_ROW_METADATA }],
    createdBy: '@loom-ml/recommenders (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}

/** Spark ALS factors as a Loom recommender: `model` scores as Spark's ALSModel does (user · item), `users` and `items` map Spark ids to rows. */
export interface SparkAlsRecommender {
  model: ImplicitAls;
  /** Spark user id ↔ row of `model.userFactors`. */
  users: IdMapping;
  /** Spark item id ↔ row of `model.itemFactors`. */
  items: IdMapping;
  /**
   * Top `k` items for a Spark user id, as Spark ids: Loom's `recommend` (highest dot product
   * first, ties to the lower row), skipping the user's `seen` items (unless `excludeSeen: false`)
   * and any `exclude`d item ids. An unknown user id is an error naming it.
   */
  recommend(userId: number, k: number, options?: { excludeSeen?: boolean; exclude?: readonly number[] }): { item: number; score: number }[];
}

/** Options of `sparkAlsRecommender` (and `readSparkAls`): the pairs to exclude and the fold-in settings for new users. */
export interface SparkAlsOptions {
  /** Interactions to exclude from recommendations, as [Spark user id, Spark item id] pairs (the training data, usually). */
  seen?: Iterable<readonly [number, number]>;
  /** Regularisation used by `recommendFromItems` for a new user (Spark's regParam; default 0.1). */
  regularization?: number;
  /** Confidence scale of `recommendFromItems` (Spark's alpha; default 1). */
  alpha?: number;
}

/**
 * Builds a Loom recommender from Spark's factor tables: an `ImplicitAls` holding the factors
 * (so `recommend`, `recommendBatch`, `similarItems`, `itemIndex` and the evaluation helpers work
 * as for a model trained here) and the id mappings. Scores are Spark's: the dot product of the
 * user's and the item's factors, as `ALSModel.transform` and `recommendForAllUsers` compute them.
 *
 * @example
 * const als = sparkAlsRecommender(await readSparkFactors(userParts), await readSparkFactors(itemParts), { seen: trainingPairs });
 * als.recommend(42, 10); // [{ item: 1193, score: 0.93 }, ...] in Spark ids
 */
export function sparkAlsRecommender(userTable: SparkFactors, itemTable: SparkFactors, options: SparkAlsOptions = {}): SparkAlsRecommender {
  const where = 'sparkAlsRecommender';
  if (userTable.rank !== itemTable.rank) throw invalidValue('itemFactors', where, `the rank of userFactors (${userTable.rank})`, itemTable.rank);
  const rank = userTable.rank;
  if (!(rank >= 1)) throw invalidValue('userFactors', where, 'a table with rows', 'an empty table');
  const users = new IdMapping(userTable.ids);
  const items = new IdMapping(itemTable.ids);
  if (users.size !== userTable.ids.length) throw invalidValue('userFactors.id', where, 'each user id once', 'a repeated id');
  if (items.size !== itemTable.ids.length) throw invalidValue('itemFactors.id', where, 'each item id once', 'a repeated id');
  const rowsOf: number[] = [];
  const columnsOf: number[] = [];
  for (const pair of options.seen ?? []) {
    const [user, item] = pair;
    if (!users.has(user)) throw invalidValue('seen', where, 'pairs of user and item ids present in the factor tables', `user ${String(user)}`);
    if (!items.has(item)) throw invalidValue('seen', where, 'pairs of user and item ids present in the factor tables', `item ${String(item)}`);
    rowsOf.push(users.indexOf(user));
    columnsOf.push(items.indexOf(item));
  }
  const seen = CsrMatrix.fromTriplets(users.size, items.size, rowsOf, columnsOf, new Float32Array(rowsOf.length).fill(1), { duplicates: 'last' });
  const model = new ImplicitAls({ factors: rank, regularization: options.regularization ?? 0.1, alpha: options.alpha ?? 1, epochs: 0 });
  model.setState(seen, Float32Array.from(userTable.factors), Float32Array.from(itemTable.factors));
  return {
    model,
    users,
    items,
    recommend(userId, k, { excludeSeen = true, exclude = [] } = {}) {
      if (!users.has(userId)) throw invalidValue('userId', 'SparkAlsRecommender.recommend', 'a user id of userFactors', userId);
      const skip = exclude.filter((id) => items.has(id)).map((id) => items.indexOf(id));
      return model.recommend(users.indexOf(userId), k, { excludeSeen, exclude: skip }).map(({ item, score }) => ({ item: items.idAt(item) as number, score }));
    },
  };
}

/** Spark's `metadata/part-00000` for an ALSModel of this rank (Spark 3.x: DefaultParamsWriter's fields, ALSModel's params at their defaults). */
export function sparkAlsMetadata(rank: number, { uid = 'ALS_loom', timestamp = Date.now(), sparkVersion = '3.5.0' } = {}): string {
  const params = { blockSize: 4096, coldStartStrategy: 'nan', itemCol: 'item', predictionCol: 'prediction', userCol: 'user' };
  return JSON.stringify({ class: 'org.apache.spark.ml.recommendation.ALSModel', timestamp, sparkVersion, uid, paramMap: {}, defaultParamMap: params, rank });
}

/**
 * Reads `metadata/part-00000` of a saved Spark ALSModel: checks the class and returns the rank
 * (and the params Spark saved, for reference).
 *
 * @example
 * parseSparkAlsMetadata(text).rank; // 10
 */
export function parseSparkAlsMetadata(text: string, name = 'metadata/part-00000'): { rank: number; sparkVersion: string; paramMap: Record<string, unknown> } {
  const where = 'readSparkAls';
  if (typeof text !== 'string' || text.length > 2 ** 20) throw refuse(name, `Invalid value for \`metadata\` in ${where}. Expected a JSON line of at most 1 MiB. Received: ${typeof text === 'string' ? `${text.length} characters` : typeof text}.`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.split('\n')[0]!) as Record<string, unknown>;
  } catch (error) {
    throw refuse(name, `Invalid value for \`metadata\` in ${where}. Expected Spark's JSON metadata line. Received: ${(error as Error).message}.`);
  }
  if (typeof json !== 'object' || json === null || json.class !== 'org.apache.spark.ml.recommendation.ALSModel') {
    throw refuse(name, `Invalid value for \`class\` in ${where}. Expected 'org.apache.spark.ml.recommendation.ALSModel'. Received: ${String((json as Record<string, unknown> | null)?.class).slice(0, 80)}.`);
  }
  const rank = json.rank;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1) throw refuse(name, `Invalid value for \`rank\` in ${where}. Expected a positive integer. Received: ${String(rank).slice(0, 40)}.`);
  const paramMap = typeof json.paramMap === 'object' && json.paramMap !== null ? (json.paramMap as Record<string, unknown>) : {};
  return { rank, sparkVersion: String(json.sparkVersion ?? ''), paramMap };
}

/** The three files of a Spark ALSModel folder, as bytes: what `writeSparkAls` (Node.js) writes, for other storage. */
export interface SparkAlsFiles {
  /** `metadata/part-00000`. */
  metadata: string;
  /** `userFactors/part-00000-….snappy.parquet`. */
  userFactors: Uint8Array;
  /** `itemFactors/part-00000-….snappy.parquet`. */
  itemFactors: Uint8Array;
}

/**
 * Loom's ALS factors in Spark's layout, so `ALSModel.load` (Spark 3.x) serves them. Ids are
 * Spark's Int ids: by default the row numbers, or the external ids of `users` / `items`
 * (integers in int32 range; a string id or a larger number is an error naming it).
 *
 * @example
 * const files = alsToSparkFiles(als, { users, items }); // users, items: the IdMappings of buildInteractions
 */
export function alsToSparkFiles(model: ImplicitAls, { users, items }: { users?: IdMapping; items?: IdMapping } = {}): SparkAlsFiles {
  const where = 'alsToSparkFiles';
  const rank = model.options.factors;
  const userCount = model.userFactors.length / rank;
  const itemCount = model.itemFactors.length / rank;
  if (userCount === 0) throw invalidValue('model', where, 'a fitted ImplicitAls', 'a model with no factors');
  const idsOf = (mapping: IdMapping | undefined, count: number, what: string): Int32Array => {
    if (mapping === undefined) return Int32Array.from({ length: count }, (_, i) => i);
    if (mapping.size !== count) throw invalidValue(what, where, `${count} ids (one per row of the factors)`, `${mapping.size}`);
    return Int32Array.from(mapping.toArray(), (id) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < -(2 ** 31) || id >= 2 ** 31) throw invalidValue(what, where, "integer ids in Spark's Int range (Spark ALS ids are Int)", id);
      return id;
    });
  };
  return {
    metadata: sparkAlsMetadata(rank),
    userFactors: sparkFactorsToParquet({ ids: idsOf(users, userCount, 'users'), factors: model.userFactors, rank }),
    itemFactors: sparkFactorsToParquet({ ids: idsOf(items, itemCount, 'items'), factors: model.itemFactors, rank }),
  };
}
