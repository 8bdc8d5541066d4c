// Training both models on the same queries: the Loom intent classifier (src/intent-model.ts)
// and the TF-IDF + linear baseline (src/baseline.ts). Node or browser; the timings are wall time.
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '@loom-ml/layers';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { adam, cosineDecaySchedule } from '@loom-ml/optimizers';
import { fit } from '@loom-ml/train';
import { LinearClassifier, tfidf } from './baseline.js';
import { Featurizer, type FeatureOptions } from './features.js';
import { mergeMembers } from './ensemble.js';
import { buildModel, idMatrix, type ModelSettings } from './intent-model.js';

export interface LabelledQueries {
  texts: readonly string[];
  labels: ArrayLike<number>;
}

export interface TrainedLoom {
  featurizer: Featurizer;
  model: Sequential;
  seconds: number;
}

/** Seed of ensemble member `k`: member 0 uses the run's seed, so a one-member run is the single model. */
export const memberSeed = (seed: number, k: number) => seed + 100 * k;

/**
 * Fits the features on the training queries and trains `settings.members` embedding-bag
 * classifiers on them, one per seed ({@link memberSeed}), folded into one network whose logits
 * are the mean of theirs (src/ensemble.ts). `onEpoch(epoch, loss, member)` is called after each pass.
 *
 * @example
 * const { model, featurizer } = await trainLoom(train, 77, DEFAULT_MODEL_SETTINGS);
 */
export async function trainLoom(
  data: LabelledQueries,
  classes: number,
  settings: ModelSettings,
  featureOptions: Partial<FeatureOptions> = {},
  onEpoch: (epoch: number, loss: number, member: number) => void = () => {},
): Promise<TrainedLoom> {
  const started = performance.now();
  const featurizer = Featurizer.fit(data.texts, featureOptions);
  const length = featurizer.options.maxFeatures;
  const x = idMatrix(featurizer, data.texts, length);
  const y = tf.tensor1d(Int32Array.from(data.labels), 'int32');
  const steps = settings.epochs * Math.ceil(data.texts.length / settings.batchSize);
  const members: Sequential[] = [];
  try {
    for (let k = 0; k < settings.members; k++) {
      const seed = memberSeed(settings.seed, k);
      const model = buildModel(featurizer.size, classes, { ...settings, seed }, length);
      members.push(model);
      await fit(model, { x, y }, {
        loss: sparseCategoricalCrossentropy({ fromLogits: true }),
        optimizer: adam({ learningRate: cosineDecaySchedule({ initValue: settings.learningRate, decaySteps: steps, alpha: 0.01 }) }),
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        seed,
        callbacks: [{ onEpochEnd: (epoch, logs) => onEpoch(epoch, Number(logs.loss), k) }],
      });
    }
    const model = members.length === 1 ? members.pop()! : mergeMembers(members);
    return { featurizer, model, seconds: (performance.now() - started) / 1000 };
  } finally {
    tf.dispose([x, y]);
    for (const member of members) member.dispose();
  }
}

export interface TrainedBaseline {
  featurizer: Featurizer;
  classifier: LinearClassifier;
  seconds: number;
}

/** Settings of the baseline that the validation split chose (L2 from 1e-6 to 1e-4 tried; 1e-5 best). */
export const BASELINE_SETTINGS = { l2: 1e-5, epochs: 10, learningRate: 1 };

/**
 * TF-IDF of the same features (fitted on the same training queries) and multinomial logistic
 * regression, trained by SGD.
 */
export function trainBaseline(data: LabelledQueries, classes: number, seed: number, featureOptions: Partial<FeatureOptions> = {}): TrainedBaseline {
  const started = performance.now();
  const featurizer = Featurizer.fit(data.texts, featureOptions);
  const vectors = data.texts.map((text) => tfidf(featurizer, text));
  const classifier = LinearClassifier.train(vectors, data.labels, featurizer.size, { classes, seed, ...BASELINE_SETTINGS });
  return { featurizer, classifier, seconds: (performance.now() - started) / 1000 };
}

/** The baseline's logits, row-major `[texts.length * classes]`. */
export function baselineLogits({ featurizer, classifier }: TrainedBaseline, texts: readonly string[]): Float32Array {
  const out = new Float32Array(texts.length * classifier.classes);
  const row = new Float64Array(classifier.classes);
  texts.forEach((text, i) => out.set(classifier.logits(tfidf(featurizer, text), row), i * classifier.classes));
  return out;
}
