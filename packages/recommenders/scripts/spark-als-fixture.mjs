// Writes test/fixtures/spark-als/: a saved Spark MLlib ALSModel folder as Spark 3.x lays it out
// (`model.write.save(path)`), for the tests of readSparkFactors / readSparkAls:
//
//   metadata/part-00000   DefaultParamsWriter's JSON line, with "rank"
//   userFactors/part-0000{0,1}-….snappy.parquet, itemFactors/part-0000{0,1}-….snappy.parquet
//   (two partitions each, as Spark writes one file per partition), and the _SUCCESS markers.
//
// Debian has no pyarrow or Spark, so the Parquet files are written with hyparquet-writer, with
// the schema written out element by element as parquet-mr writes it for Spark's
// (id: int not null, features: array<float> containsNull=false) — the standard three-level LIST
// with Spark's names `list` and `element` — Spark's own row metadata, snappy compression, and
// the ids spread over the two parts out of order, as a shuffled partitioning leaves them.
// Factors are seeded random floats (rank 4); the tests compute the expected top-K themselves.
//
//   pnpm --filter @loom-ml/recommenders run fixtures:spark
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'spark-als');
const RANK = 4;

// Park–Miller, so the fixture does not depend on Loom's own generator.
let state = 20261203;
const random = () => (state = (state * 48271) % 2147483647) / 2147483647;

const SCHEMA = [
  { name: 'spark_schema', num_children: 2 },
  { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'features', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
];
const ROW_METADATA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'integer', nullable: false, metadata: {} },
    { name: 'features', type: { type: 'array', elementType: 'float', containsNull: false }, nullable: true, metadata: {} },
  ],
});

function table(folder, ids) {
  mkdirSync(join(out, folder), { recursive: true });
  // Spark's hash partitioning leaves ids in no particular order: odd positions in one part, even in the other.
  const parts = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1).reverse()];
  parts.forEach((partIds, p) => {
    const features = partIds.map(() => Array.from({ length: RANK }, () => Math.fround(random() * 2 - 1)));
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from(partIds) },
        { name: 'features', data: features },
      ],
      schema: SCHEMA,
      codec: 'SNAPPY',
      kvMetadata: [{ key: 'org.apache.spark.sql.parquet.row.metadata', value: ROW_METADATA }],
      createdBy: 'loom scripts/spark-als-fixture.mjs (hyparquet-writer)',
    });
    writeFileSync(join(out, folder, `part-0000${p}-6c0b1c2e-7f43-4d8a-9a43-${folder === 'userFactors' ? '1' : '2'}0b5f3c1d2e4-c000.snappy.parquet`), new Uint8Array(bytes));
  });
  writeFileSync(join(out, folder, '_SUCCESS'), '');
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'metadata'), { recursive: true });
const metadata = {
  class: 'org.apache.spark.ml.recommendation.ALSModel',
  timestamp: 1764720000000,
  sparkVersion: '3.5.1',
  uid: 'ALS_3f1e7c2a9b04',
  paramMap: { coldStartStrategy: 'drop', userCol: 'userId', itemCol: 'movieId', predictionCol: 'prediction', blockSize: 4096 },
  defaultParamMap: { coldStartStrategy: 'nan', userCol: 'user', itemCol: 'item', predictionCol: 'prediction', blockSize: 4096 },
  rank: RANK,
};
writeFileSync(join(out, 'metadata', 'part-00000'), `${JSON.stringify(metadata)}\n`);
writeFileSync(join(out, 'metadata', '_SUCCESS'), '');
table('userFactors', Array.from({ length: 30 }, (_, k) => 10 * k + 3));
table('itemFactors', Array.from({ length: 50 }, (_, k) => 1000 + 7 * k));
console.log(`wrote ${out}: 30 users, 50 items, rank ${RANK}`);
