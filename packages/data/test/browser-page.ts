// Page program for browser.test.ts, bundled from the built dist with no externals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Dataset, parseCsv, readCsv, readIdx, streamCsv, StandardScaler } from '@loom-ml/data';
import { exposeToTest } from '@loom-ml/test-utils/page';

const SCHEMA = { income: 'number', age: 'integer', defaulted: 'integer' } as const;
const CSV = 'income,age,defaulted,note\n52000,31,0,"first, with a comma"\n18000,22,1,\nabc,40,0,bad income\n61000,45,0,"says ""hi"""\n';

const summary = (result: { rows: Record<string, unknown>[]; badRows: { line: number; message: string }[] }) => ({
  rows: result.rows,
  badRows: result.badRows.map(({ line, message }) => ({ line, message })),
});

exposeToTest({
  csvFromString: () => summary(parseCsv(CSV, { source: 'loans.csv', schema: SCHEMA, onBadRow: 'collect' })),

  csvFromBlob: async () => summary(await readCsv(new Blob([CSV], { type: 'text/csv' }), { source: 'loans.csv', schema: SCHEMA, onBadRow: 'collect' })),

  csvFromFetch: async (path: string) => summary(await readCsv(await fetch(path), { source: path, schema: SCHEMA, onBadRow: 'collect' })),

  /** Streams a (gzipped) CSV from fetch through a Dataset pipeline into tensor batches. */
  async streamToBatches(path: string) {
    await tf.ready();
    const before = tf.memory().numTensors;
    const rows = Dataset.fromAsyncIterable(async function* () {
      yield* streamCsv(await fetch(path), { schema: { x: 'number', y: 'integer' } });
    });
    const all = await rows.toArray();
    const scaler = StandardScaler.fit(all.map((r) => [r.x as number]));
    const batches = await Dataset.fromArray(all)
      .batch(4)
      .toTensors({ x: (r) => scaler.transform([[r.x as number]])[0]!, xShape: [1], y: (r) => r.y as number })
      .toArray();
    const shapes = batches.map((b) => b.x.shape);
    const ySum = batches.reduce((sum, b) => sum + tf.tidy(() => tf.sum(b.y).arraySync() as number), 0);
    batches.forEach((b) => tf.dispose([b.x, b.y]));
    return { count: all.length, shapes, ySum, mean: scaler.toJSON(), leaked: tf.memory().numTensors - before };
  },

  async idxFromFetch(path: string) {
    const { shape, data } = await readIdx(await fetch(path), { maxBytes: 1e6 });
    return { shape, values: Array.from(data) };
  },
});
