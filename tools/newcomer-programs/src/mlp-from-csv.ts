// Newcomer program 1 (issue 22, "Done when"): an MLP trained on rows read from a CSV file,
// written from the data, layers and train READMEs alone. It type-checks under --strict with no
// casts (the rows are typed by the schema, predict's result by the model's single output), and
// setSeed + fit({ seed }) make its weights the same bit for bit on every run.
import * as tf from '@tensorflow/tfjs-core';
import { StandardScaler, parseCsv, trainTestSplit } from '@loom-ml/data';
import { dense, dropout, sequential, setSeed } from '@loom-ml/layers';
import { evaluate, fit, predict } from '@loom-ml/train';

export interface MlpFromCsvResult {
  /** Every weight of the trained model, in order. */
  weights: Float32Array[];
  /** Accuracy on the held-out quarter of the rows. */
  testAccuracy: number;
  /** Probability of default for each held-out row. */
  probabilities: Float32Array;
}

const GRADES = ['A', 'B', 'C', 'D'];

/** Trains a small MLP on `csv` (columns income, age, grade, defaulted), everything seeded by `seed`. */
export async function mlpFromCsv(csv: string, seed: number): Promise<MlpFromCsvResult> {
  setSeed(seed); // initial weights (and anything else unseeded) draw from this seed's stream
  const { rows } = parseCsv(csv, {
    source: 'loans.csv',
    schema: { income: 'number', age: 'integer', grade: 'category', defaulted: 'integer' },
  });
  const { train, test } = trainTestSplit(rows, { testFraction: 0.25, seed, stratifyBy: rows.map((row) => row.defaulted) });
  const scaler = StandardScaler.fit(train.map((row) => [row.income, row.age]));
  const features = (list: typeof rows): number[][] => {
    const scaled = scaler.transform(list.map((row) => [row.income, row.age]));
    return list.map((row, i) => [...(scaled[i] ?? []), ...GRADES.map((grade) => (row.grade === grade ? 1 : 0))]);
  };
  const labels = (list: typeof rows): number[][] => list.map((row) => [row.defaulted]);

  const model = sequential([
    dense({ units: 16, activation: 'relu', inputShape: [2 + GRADES.length] }),
    dropout({ rate: 0.2 }),
    dense({ units: 1, activation: 'sigmoid' }),
  ]);
  const x = tf.tensor2d(features(train));
  const y = tf.tensor2d(labels(train));
  const xTest = tf.tensor2d(features(test));
  const yTest = tf.tensor2d(labels(test));
  try {
    await fit(model, { x, y }, { loss: 'binaryCrossentropy', optimizer: 'adam', metrics: ['accuracy'], epochs: 4, batchSize: 16, seed, verbose: false });
    const { accuracy } = await evaluate(model, { x: xTest, y: yTest }, { loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const predicted = await predict(model, xTest); // a Tensor: the model has one output
    const probabilities = new Float32Array(predicted.dataSync());
    predicted.dispose();
    return { weights: model.getWeights().map((weight) => new Float32Array(weight.dataSync())), testAccuracy: accuracy ?? Number.NaN, probabilities };
  } finally {
    tf.dispose([x, y, xTest, yTest]);
    model.dispose();
    setSeed(null);
  }
}
