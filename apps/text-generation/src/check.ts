// The conditioning check: reviews generated from <pos><bos> and from <neg><bos>, judged by the
// sentiment classifier. Used by `pnpm start`/`full` on the model they trained and by
// `pnpm check` on a saved one (one judge, several guidance values).
import { writeFileAtomic } from '@loom-ml/core/node';
import type { BpeTokenizer } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { join } from 'node:path';
import { artifactPaths, loadArtifacts } from './artifacts.js';
import { positiveProbabilities, trainClassifier, type SentimentClassifier } from './classifier.js';
import { CommandError, startStep } from './command-line.js';
import { BOS, cleanReview, EOS, sentimentId } from './corpus.js';
import type { CheckOptions } from './options.js';
import type { LabelledTexts } from './run.js';
import { generateBatch } from './sample.js';

/** Sampling settings of the check (those of the recorded runs). */
export const CHECK_SAMPLING = { temperature: 0.8, topK: 40 } as const;

export interface Conditioning {
  /** Contrastive guidance of the sampler (0: plain sampling). */
  guidance: number;
  samplesPerSentiment: number;
  newTokens: number;
  /** Share of the <pos> reviews judged positive, of the <neg> reviews judged negative, and their mean. */
  pos: number;
  neg: number;
  overall: number;
  /** The judge's mean probability of "positive" over each prefix's reviews. */
  meanPositive: { pos: number; neg: number };
  seconds: number;
}

/**
 * Generates `samples` reviews per sentiment (one batch, key/value cache; with `guidance` > 0 the
 * opposite prefix's rows in the same batch) and judges them. Returns the scores and the texts
 * (the <pos> reviews first).
 */
export async function conditioningCheck(
  model: Sequential,
  tokenizer: BpeTokenizer,
  judge: Pick<SentimentClassifier, 'model' | 'tokenizer' | 'maxLength'>,
  { samples, sampleTokens, seed, guidance }: { samples: number; sampleTokens: number; seed: number; guidance: number },
): Promise<{ conditioning: Conditioning; texts: string[] }> {
  const start = performance.now();
  const rows = (first: 'pos' | 'neg', second: 'pos' | 'neg') => [...Array.from({ length: samples }, () => [sentimentId(first), BOS]), ...Array.from({ length: samples }, () => [sentimentId(second), BOS])];
  const outputs = await generateBatch(model, rows('pos', 'neg'), { maxNewTokens: sampleTokens, ...CHECK_SAMPLING, stopId: EOS, seed, keepPrefix: 1, guidance, oppositePrompts: rows('neg', 'pos') });
  const texts = outputs.map((ids) => tokenizer.decode(ids, { skipSpecial: true }));
  const probabilities = positiveProbabilities(judge, texts);
  const pos = probabilities.slice(0, samples).filter((p) => p >= 0.5).length / samples;
  const neg = probabilities.slice(samples).filter((p) => p < 0.5).length / samples;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanPositive = { pos: mean(probabilities.slice(0, samples)), neg: mean(probabilities.slice(samples)) };
  return { conditioning: { guidance, samplesPerSentiment: samples, newTokens: sampleTokens, pos, neg, overall: (pos + neg) / 2, meanPositive, seconds: (performance.now() - start) / 1000 }, texts };
}

/** One line of a check's result (`seconds: false` leaves the time out, for a step that prints its own). */
export function formatConditioning(c: Conditioning, { seconds = true } = {}): string {
  return `guidance ${c.guidance}: <pos> -> positive ${(100 * c.pos).toFixed(1)}%, <neg> -> negative ${(100 * c.neg).toFixed(1)}%, overall ${(100 * c.overall).toFixed(1)}%; mean P(positive) ${c.meanPositive.pos.toFixed(3)} vs ${c.meanPositive.neg.toFixed(3)}${seconds ? ` (${c.seconds.toFixed(1)} s)` : ''}`;
}

/** What `pnpm check` measured (written to DIR/check.json). */
export interface CheckReport {
  options: Omit<CheckOptions, 'quiet' | 'outDir'>;
  modelPath: string;
  classifier: { trainingReviews: number; epochs: number; testAccuracy: number };
  results: Conditioning[];
  samples: { guidance: number; sentiment: 'pos' | 'neg'; text: string }[];
}

/**
 * The conditioning check alone on a saved model: trains the judge as `start` does (same reviews,
 * settings and seed), then checks each guidance value with the same sampler seed. The caller
 * starts the backend. `reviews` replaces IMDB (tests).
 */
export async function runCheck(options: CheckOptions, log: (line: string) => void, reviews?: { valid: LabelledTexts; classifier: LabelledTexts }): Promise<CheckReport & { reportPath: string }> {
  const { quiet } = options;
  const paths = artifactPaths(options.outDir);
  const modelPath = options.modelPath ?? paths.modelPath;
  const { model, tokenizer } = await loadArtifacts(modelPath, paths.tokenizerPath).catch((error: unknown) => {
    throw new CommandError(`No trained model in ${options.modelPath ?? `${options.outDir}/`} (${error instanceof Error ? error.message : String(error)}). Train one first: pnpm --filter @loom-ml/app-text-generation start`);
  });
  try {
    let data = reviews;
    if (data === undefined) {
      const { loadImdb } = await import('@loom-ml/datasets/node');
      const [valid, classifier] = await Promise.all([loadImdb({ split: 'test', limit: options.validLimit }), loadImdb({ split: 'train', limit: options.classifierLimit })]);
      data = { valid, classifier };
    }
    const judging = startStep(`Training the sentiment classifier (apps/sentiment's LSTM) on ${data.classifier.texts.length} reviews for ${options.classifierEpochs} epoch(s)`, { quiet });
    const judge = await trainClassifier(
      { texts: data.classifier.texts.map(cleanReview), labels: data.classifier.labels },
      { texts: data.valid.texts.map(cleanReview), labels: data.valid.labels },
      { epochs: options.classifierEpochs, maxLength: 100, maxWords: 10_000, seed: options.seed, quiet: true },
    );
    judging.end(`accuracy on the ${data.valid.texts.length} validation reviews ${(100 * judge.testAccuracy).toFixed(1)}%`);
    const results: Conditioning[] = [];
    const samples: CheckReport['samples'] = [];
    try {
      for (const guidance of options.guidance) {
        const step = startStep(`Generating ${options.samples} reviews per sentiment with guidance ${guidance} (${options.sampleTokens} tokens at most, temperature ${CHECK_SAMPLING.temperature}, top-k ${CHECK_SAMPLING.topK}, seed ${options.sampleSeed})`, { quiet });
        const { conditioning, texts } = await conditioningCheck(model, tokenizer, judge, { samples: options.samples, sampleTokens: options.sampleTokens, seed: options.sampleSeed, guidance });
        step.end(formatConditioning(conditioning, { seconds: false }));
        results.push(conditioning);
        samples.push({ guidance, sentiment: 'pos', text: texts[0]! }, { guidance, sentiment: 'neg', text: texts[options.samples]! });
      }
    } finally {
      judge.model.dispose();
    }
    const report: CheckReport = {
      options: (({ quiet: _q, outDir: _o, ...rest }) => rest)(options),
      modelPath,
      classifier: { trainingReviews: data.classifier.texts.length, epochs: options.classifierEpochs, testAccuracy: judge.testAccuracy },
      results,
      samples,
    };
    const reportPath = join(options.outDir, 'check.json');
    await writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    for (const r of results) log(formatConditioning(r));
    return { ...report, reportPath };
  } finally {
    model.dispose();
  }
}
