import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetMetadata, type SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { RecommenderError } from './errors.js';
import { IdMapping } from './id-mapping.js';
import { ImplicitAls } from './implicit-als.js';
import { buildInteractions } from './interactions.js';
import { seededRandom } from './rng.js';
import { alsToSparkFiles, readSparkFactors, sparkAlsRecommender, sparkFactorsToParquet, type SparkFactorPart } from './spark-als.js';
import { readSparkAls, writeSparkAls } from './spark-files.js';

// A saved Spark ALSModel folder written by scripts/spark-als-fixture.mjs (committed): 30 users,
// 50 items, rank 4, two part files per table, Spark's schema and row metadata.
const fixture = fileURLToPath(new URL('../test/fixtures/spark-als/', import.meta.url));
const partsOf = (table: string): SparkFactorPart[] =>
  readdirSync(join(fixture, table))
    .filter((name) => name.endsWith('.parquet'))
    .map((name) => ({ bytes: readFileSync(join(fixture, table, name)), name: `${table}/${name}` }));

/** The schema as parquet-mr prints it (`parquet-tools schema`), from the file's own footer. */
function printSchema(schema: SchemaElement[]): string {
  let index = 0;
  const field = (): string => {
    const element = schema[index++]!;
    const repetition = element.repetition_type!.toLowerCase();
    if (element.num_children === undefined) return `${repetition} ${element.type!.toLowerCase()} ${element.name};`;
    const children = Array.from({ length: element.num_children }, field).join(' ');
    return `${repetition} group ${element.name}${element.converted_type ? ` (${element.converted_type})` : ''} { ${children} }`;
  };
  const root = schema[index++]!;
  return `message ${root.name} { ${Array.from({ length: root.num_children! }, field).join(' ')} }`;
}

// What Spark 3.x writes for ALS's factor DataFrames (id: int not null, features: array<float>
// with containsNull=false), by ParquetSchemaConverter with writeLegacyFormat=false (the default).
const SPARK_SCHEMA = 'message spark_schema { required int32 id; optional group features (LIST) { repeated group list { required float element; } } }';
const SPARK_ROW_METADATA = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'integer', nullable: false, metadata: {} },
    { name: 'features', type: { type: 'array', elementType: 'float', containsNull: false }, nullable: true, metadata: {} },
  ],
};

function expectSparkLayout(bytes: Uint8Array): void {
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  expect(printSchema(metadata.schema)).toBe(SPARK_SCHEMA);
  expect(metadata.schema[2]!.logical_type).toEqual({ type: 'LIST' });
  expect(JSON.parse(metadata.key_value_metadata!.find((kv) => kv.key === 'org.apache.spark.sql.parquet.row.metadata')!.value!)).toEqual(SPARK_ROW_METADATA);
  for (const group of metadata.row_groups) for (const chunk of group.columns) expect(chunk.meta_data!.codec).toBe('SNAPPY');
}

/** Top k of a user by float64 dot products, best first (ties to the lower row), skipping `skip` rows. */
function bruteForceTopK(user: Float32Array, items: Float32Array, rank: number, k: number, skip: Set<number>): { row: number; score: number }[] {
  const scores: { row: number; score: number }[] = [];
  for (let row = 0; row < items.length / rank; row++) {
    if (skip.has(row)) continue;
    let score = 0;
    for (let j = 0; j < rank; j++) score += user[j]! * items[row * rank + j]!;
    scores.push({ row, score });
  }
  return scores.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
}

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});
const scratch = async () => {
  const directory = await mkdtemp(join(tmpdir(), 'loom-spark-als-'));
  directories.push(directory);
  return directory;
};

describe('Spark ALS factors → Loom', () => {
  it("the fixture has exactly Spark's schema, row metadata and codec", () => {
    for (const table of ['userFactors', 'itemFactors']) for (const part of partsOf(table)) expectSparkLayout(part.bytes as Uint8Array);
  });

  it('reads both tables from their part files, in file order', async () => {
    const users = await readSparkFactors(partsOf('userFactors'));
    const items = await readSparkFactors(partsOf('itemFactors'));
    expect([users.rank, users.ids.length, items.ids.length, users.factors.length]).toEqual([4, 30, 50, 120]);
    expect([...users.ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => 10 * k + 3));
    expect([...items.ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, k) => 1000 + 7 * k));
    expect(users.factors.every((x) => x > -1 && x < 1 && x !== 0)).toBe(true);
  });

  it("serves Spark's scores (user · item) top-K in Spark ids, with Loom's exclusions", async () => {
    const random = seededRandom(5);
    const seen: [number, number][] = Array.from({ length: 60 }, () => [10 * Math.floor(random() * 30) + 3, 1000 + 7 * Math.floor(random() * 50)]);
    const als = await readSparkAls(fixture, { seen });
    const users = await readSparkFactors(partsOf('userFactors'));
    const items = await readSparkFactors(partsOf('itemFactors'));
    for (const userId of [3, 13, 293]) {
      const u = users.ids.indexOf(userId);
      const userVector = users.factors.subarray(u * 4, u * 4 + 4);
      const seenRows = new Set(seen.filter(([user]) => user === userId).map(([, item]) => items.ids.indexOf(item)));
      const excluded = items.ids[bruteForceTopK(userVector, items.factors, 4, 1, seenRows)[0]!.row]!;
      const expected = bruteForceTopK(userVector, items.factors, 4, 8, new Set([...seenRows, items.ids.indexOf(excluded)]));
      const got = als.recommend(userId, 8, { exclude: [excluded] });
      expect(got.map((r) => r.item)).toEqual(expected.map((r) => items.ids[r.row]));
      // Loom sums float32 products in float32; the reference sums in float64: within 1e-6 for rank 4 and |x| < 1.
      got.forEach((r, i) => expect(Math.abs(r.score - expected[i]!.score)).toBeLessThan(1e-6));
      expect(als.recommend(userId, 50, { excludeSeen: false })).toHaveLength(50);
    }
    expect(() => als.recommend(4, 5)).toThrow('Invalid value for `userId` in SparkAlsRecommender.recommend. Expected a user id of userFactors. Received: 4.');
    // The model underneath is Loom's own: similar items, batch recommendations, evaluation all work.
    expect(als.model.similarItems(0, 3)).toHaveLength(3);
  });
});

describe('Loom ALS → Spark → Loom', () => {
  const random = seededRandom(11);
  const events = Array.from({ length: 300 }, () => ({ user: 100 + Math.floor(random() * 25), item: 5000 + Math.floor(random() * 40) * 3, value: 1 }));
  const { matrix, users, items } = buildInteractions(events);
  const als = new ImplicitAls({ factors: 6, epochs: 3, seed: 2, computeLoss: false }).fit(matrix);

  it("writes a Spark ALSModel folder with Spark's schema that reads back bit for bit, recommending the same", async () => {
    const folder = join(await scratch(), 'als');
    await writeSparkAls(als, folder, { users, items });
    expect((await readdir(folder)).sort()).toEqual(['itemFactors', 'metadata', 'userFactors']);
    expect((await readdir(join(folder, 'userFactors'))).sort()).toEqual(['_SUCCESS', 'part-00000-loom.snappy.parquet']);
    expect(JSON.parse(readFileSync(join(folder, 'metadata', 'part-00000'), 'utf8'))).toMatchObject({ class: 'org.apache.spark.ml.recommendation.ALSModel', rank: 6, sparkVersion: '3.5.0' });
    expectSparkLayout(readFileSync(join(folder, 'userFactors', 'part-00000-loom.snappy.parquet')));
    const back = await readSparkAls(folder);
    expect(back.model.userFactors).toEqual(als.userFactors);
    expect(back.model.itemFactors).toEqual(als.itemFactors);
    expect(back.users.toArray()).toEqual(users.toArray());
    for (const user of [0, 7, 24]) {
      const expected = als.recommend(user, 10, { excludeSeen: false }).map((r) => ({ item: items.idAt(r.item), score: r.score }));
      expect(back.recommend(users.idAt(user) as number, 10, { excludeSeen: false })).toEqual(expected);
    }
  });

  it('uses row numbers as ids by default, and refuses ids Spark cannot hold', () => {
    const files = alsToSparkFiles(als);
    expect(files.userFactors).toBeInstanceOf(Uint8Array);
    const strings = new IdMapping(users.toArray().map((id) => `u${id}`));
    expect(() => alsToSparkFiles(als, { users: strings })).toThrow(`Invalid value for \`users\` in alsToSparkFiles. Expected integer ids in Spark's Int range (Spark ALS ids are Int). Received: 'u${users.idAt(0)}'.`);
    expect(() => alsToSparkFiles(als, { items: new IdMapping([2 ** 31]) })).toThrow('Invalid value for `items` in alsToSparkFiles. Expected 40 ids (one per row of the factors). Received: \'1\'.');
  });
});

describe('hostile factor files', () => {
  const write = (columnData: { name: string; data: unknown }[], schema: SchemaElement[], codec: 'SNAPPY' | 'UNCOMPRESSED' | 'GZIP' = 'SNAPPY') =>
    new Uint8Array(parquetWriteBuffer({ columnData: columnData as never, schema, codec, ...(codec === 'GZIP' ? { compressors: { GZIP: (input: Uint8Array) => input } } : {}) }));
  const listOf = (type: 'FLOAT' | 'DOUBLE'): SchemaElement[] => [
    { name: 'spark_schema', num_children: 2 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'features', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type, repetition_type: type === 'FLOAT' ? 'OPTIONAL' : 'REQUIRED' },
  ];
  const good = (features: (number[] | null)[], ids = features.map((_, i) => i)) =>
    write(
      [
        { name: 'id', data: Int32Array.from(ids) },
        { name: 'features', data: features },
      ],
      listOf('FLOAT'),
    );
  const read = (bytes: Uint8Array, options = {}) => readSparkFactors([{ bytes, name: 'part-0.parquet' }], options);

  it('reads optional elements (containsNull=true) too', async () => {
    expect(await read(good([[0.5], [1.5]]))).toEqual({ ids: Int32Array.of(0, 1), factors: Float32Array.of(0.5, 1.5), rank: 1 });
  });

  it.each([
    ['a list of doubles', () => write([{ name: 'id', data: Int32Array.of(1) }, { name: 'features', data: [[1, 2]] }], listOf('DOUBLE')), '`features` in readSparkFactors. Expected the schema of a Spark ALS factor table: (id: int, features: array<float>). Received: a list of required DOUBLE "element".'],
    ['64-bit ids', () => write([{ name: 'id', data: BigInt64Array.of(1n) }, { name: 'features', data: [[1, 2]] }], [{ name: 'spark_schema', num_children: 2 }, { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' }, ...listOf('FLOAT').slice(2)]), '`id` in readSparkFactors. Expected the schema of a Spark ALS factor table: (id: int, features: array<float>). Received: required INT64 "id".'],
    ['a third column', () => write([{ name: 'id', data: Int32Array.of(1) }, { name: 'x', data: Int32Array.of(1) }], [{ name: 'spark_schema', num_children: 2 }, { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' }, { name: 'x', type: 'INT32', repetition_type: 'REQUIRED' }]), '`features` in readSparkFactors. Expected the schema of a Spark ALS factor table: (id: int, features: array<float>). Received: required INT32 "x".'],
    ['rows of different lengths', () => good([[1, 2], [3, 4, 5]]), '`features` in readSparkFactors. Expected the same number of floats, 1 to maxRank (1024), in every row. Received: 5 floats in 2 rows.'],
    ['a GZIP column', () => write([{ name: 'id', data: Int32Array.of(1) }, { name: 'features', data: [[1]] }], listOf('FLOAT'), 'GZIP'), '`codec` of row group 0 in readSparkFactors. Expected SNAPPY (Spark\'s default) or UNCOMPRESSED. Received: GZIP.'],
  ])('refuses %s by name, from the footer', async (_, make, message) => {
    await expect(read(make())).rejects.toThrow(`part-0.parquet: Invalid value for ${message}`);
  });

  it('refuses bad values row by row: NaN, a null list, a null element, a repeated id', async () => {
    await expect(read(good([[1, 2], [Number.NaN, 0]]))).rejects.toThrow('part-0.parquet: row 1: Invalid value for `features[0]`. Expected a finite float. Received: NaN.');
    await expect(read(good([[1, 2], null, [3, 4]]))).rejects.toThrow(/^part-0\.parquet: /);
    await expect(read(good([[1, 2], [3, null as unknown as number]]))).rejects.toThrow(/^part-0\.parquet: /);
    await expect(read(good([[1], [2]], [7, 7]))).rejects.toThrow('Invalid value for `id` in readSparkFactors. Expected each id once in a factor table. Received: 7.');
  });

  it('checks sizes, rows, rank and values against the limits before reading a page', async () => {
    const users = partsOf('userFactors');
    await expect(readSparkFactors(users, { maxBytes: 100 })).rejects.toThrow(/^userFactors\/part-00000-.*: The Parquet file has \d+ bytes, more than maxBytes \(100\); raise it if you trust the file\.$/);
    await expect(readSparkFactors(users, { maxRows: 20 })).rejects.toThrow(/^userFactors\/part-00001-.*: Invalid value for `num_rows` in readSparkFactors\. Expected at most 5 more rows \(maxRows 20\)\. Received: 15\.$/);
    await expect(readSparkFactors(users, { maxRank: 3 })).rejects.toThrow('Expected the same number of floats, 1 to maxRank (3), in every row. Received: 60 floats in 15 rows.');
    await expect(readSparkFactors(users, { maxValues: 50 })).rejects.toThrow('Expected at most maxValues (50) floats. Received: 60 (15 rows of 4).');
    await expect(readSparkFactors(users, { maxRows: 0 })).rejects.toThrow('Invalid value for `maxRows` in readSparkFactors. Expected a positive integer. Received: 0.');
    const truncated = (users[0]!.bytes as Uint8Array).subarray(0, 300);
    await expect(read(truncated)).rejects.toThrow(/^part-0\.parquet: Not a readable Parquet file \(parquet file invalid \(footer != PAR1\)\)\. Was it truncated\?$/);
  });

  it('mixes no ranks across part files, and checks the metadata against the tables', async () => {
    await expect(readSparkFactors([{ bytes: good([[1, 2]]), name: 'a' }, { bytes: good([[1, 2, 3]], [5]), name: 'b' }])).rejects.toThrow('b: Invalid value for `features` in readSparkFactors. Expected 2 floats per row, as in the other part files. Received: 3.');
    const users = await readSparkFactors(partsOf('userFactors'));
    expect(() => sparkAlsRecommender(users, { ids: Int32Array.of(1), factors: Float32Array.of(1, 2), rank: 2 })).toThrow('Invalid value for `itemFactors` in sparkAlsRecommender. Expected the rank of userFactors (4). Received: 2.');
    expect(() => sparkAlsRecommender(users, users, { seen: [[3, 99]] })).toThrow('Invalid value for `seen` in sparkAlsRecommender. Expected pairs of user and item ids present in the factor tables. Received: \'item 99\'.');
    await expect(readSparkAls(join(fixture, 'userFactors'))).rejects.toThrow(/Spark model metadata .*does not exist/);
  });

  it('survives a seeded barrage of corrupted files: a RecommenderError or a valid table, nothing else', async () => {
    const original = partsOf('itemFactors')[0]!.bytes as Uint8Array;
    const random = seededRandom(99);
    let refused = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from(original);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        const table = await read(bytes);
        expect(table.factors.length).toBe(table.ids.length * table.rank);
        expect(table.factors.every(Number.isFinite)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(RecommenderError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(50);
  });

  it('refuses a footer whose schema counts a negative number of children, instead of spinning forever', async () => {
    // Found by a longer run of the barrage above: this one byte makes the list element's
    // num_children -2, and hyparquet's GeoParquet pass (on by default) then never ends.
    const bytes = Uint8Array.from(partsOf('userFactors').find((part) => part.name!.includes('part-00000'))!.bytes as Uint8Array);
    bytes[408] = 3;
    await expect(read(bytes)).rejects.toThrow(/^part-0\.parquet: Invalid value for `features` in readSparkFactors\. /);
  }, 10_000);

  it('round-trips a table through sparkFactorsToParquet exactly', async () => {
    const table = { ids: Int32Array.of(-5, 0, 2 ** 31 - 1), factors: Float32Array.of(1e-30, -0, 3.5, 2 ** 100, -7, 0.1), rank: 2 };
    const bytes = sparkFactorsToParquet(table);
    expectSparkLayout(bytes);
    expect(await read(bytes)).toEqual(table);
  });
});
