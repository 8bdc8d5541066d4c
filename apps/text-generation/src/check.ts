// The conditioning check: reviews generated from <pos><bos> and from <neg><bos>, judged by the
// sentiment classifier. Used by `pnpm start`/`full` on the model they trained and by
// `pnpm check` on a saved one (one judge, several guidance values).
import { writeFileAtomic } from '@loom-ml/core/node';
import type { BpeTokenizer } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { join } from 'node:path';
import { artifactPaths, loadArtifacts } from './artifacts.js';
import { JUDGES, positiveProbabilities, trainClassifier, type JudgeKind, type SentimentClassifier } from './classifier.js';
import { CommandError, startStep } from './command-line.js';
import { BOS, cleanReview, EOS, sentimentId } from './corpus.js';
import { pickBest, SentimentGuide } from './guide.js';
import type { CheckOptions } from './options.js';
import type { LabelledTexts } from './run.js';
import { generateBatch } from './sample.js';

/** Sampling settings of the check (those of the recorded runs). */
export const CHECK_SAMPLING = { temperature: 0.8, topK: 40 } as const;

export interface Conditioning {
  /** Contrastive guidance of the sampler (0: plain sampling). */
  guidance: number;
  /** Best-of-N reranking by the guide: candidates sampled per review (1: no reranking). */
  rerank: number;
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

/** The sampler seed of reranking round `round` (round 0 is the check's own seed, so best-of-1 is the plain check). */
export function roundSeed(seed: number, round: number): number {
  return seed + 1_000_003 * round;
}

/**
 * Generates `samples` reviews per sentiment (one batch, key/value cache; with `guidance` > 0 the
 * opposite prefix's rows in the same batch) and judges them. With `rerank` values above 1 it
 * samples that many candidates per review (rounds of the same batch with other seeds) and judges,
 * for each value N, the candidate among the first N that `guide` finds most likely to have the
 * asked-for sentiment (best-of-N); N = 1 is the plain check. Returns one result per `rerank`
 * value, with the judged texts (the <pos> reviews first).
 */
export async function conditioningChecks(
  model: Sequential,
  tokenizer: BpeTokenizer,
  judge: Pick<SentimentClassifier, 'model' | 'tokenizer' | 'maxLength' | 'bigramBuckets'>,
  { samples, sampleTokens, seed, guidance, rerank = [1], guide }: { samples: number; sampleTokens: number; seed: number; guidance: number; rerank?: readonly number[]; guide?: Pick<SentimentGuide, 'logOdds'> },
): Promise<{ conditioning: Conditioning; texts: string[] }[]> {
  if (rerank.length === 0 || rerank.some((n) => !(Number.isInteger(n) && n >= 1))) throw new RangeError(`rerank must hold integers >= 1; received ${rerank.join(', ') || 'none'}.`);
  const rounds = Math.max(...rerank);
  if (rounds > 1 && guide === undefined) throw new RangeError(`Reranking (best of ${rounds}) needs a guide.`);
  const rows = (first: 'pos' | 'neg', second: 'pos' | 'neg') => [...Array.from({ length: samples }, () => [sentimentId(first), BOS]), ...Array.from({ length: samples }, () => [sentimentId(second), BOS])];
  const candidates: string[][] = [];
  const roundSeconds: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    const outputs = await generateBatch(model, rows('pos', 'neg'), { maxNewTokens: sampleTokens, ...CHECK_SAMPLING, stopId: EOS, seed: roundSeed(seed, round), keepPrefix: 1, guidance, oppositePrompts: rows('neg', 'pos') });
    candidates.push(outputs.map((ids) => tokenizer.decode(ids, { skipSpecial: true })));
    roundSeconds.push((performance.now() - start) / 1000);
  }
  const wantPositive = Array.from({ length: 2 * samples }, (_, i) => i < samples);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return rerank.map((n) => {
    const start = performance.now();
    const best = n === 1 ? wantPositive.map(() => 0) : pickBest(candidates.slice(0, n), wantPositive, (text) => guide!.logOdds(text));
    const texts = best.map((round, i) => candidates[round]![i]!);
    const rerankSeconds = (performance.now() - start) / 1000;
    const probabilities = positiveProbabilities(judge, texts);
    const pos = probabilities.slice(0, samples).filter((p) => p >= 0.5).length / samples;
    const neg = probabilities.slice(samples).filter((p) => p < 0.5).length / samples;
    const meanPositive = { pos: mean(probabilities.slice(0, samples)), neg: mean(probabilities.slice(samples)) };
    const seconds = roundSeconds.slice(0, n).reduce((a, b) => a + b, 0) + rerankSeconds;
    return { conditioning: { guidance, rerank: n, samplesPerSentiment: samples, newTokens: sampleTokens, pos, neg, overall: (pos + neg) / 2, meanPositive, seconds }, texts };
  });
}

/** `conditioningChecks` for one guidance value without reranking (what `start` and `full` run). */
export async function conditioningCheck(
  model: Sequential,
  tokenizer: BpeTokenizer,
  judge: Pick<SentimentClassifier, 'model' | 'tokenizer' | 'maxLength' | 'bigramBuckets'>,
  options: { samples: number; sampleTokens: number; seed: number; guidance: number },
): Promise<{ conditioning: Conditioning; texts: string[] }> {
  return (await conditioningChecks(model, tokenizer, judge, options))[0]!;
}

/** One line of a check's result (`seconds: false` leaves the time out, for a step that prints its own). */
export function formatConditioning(c: Conditioning, { seconds = true } = {}): string {
  return `guidance ${c.guidance}${c.rerank > 1 ? `, best of ${c.rerank}` : ''}: <pos> -> positive ${(100 * c.pos).toFixed(1)}%, <neg> -> negative ${(100 * c.neg).toFixed(1)}%, overall ${(100 * c.overall).toFixed(1)}%; mean P(positive) ${c.meanPositive.pos.toFixed(3)} vs ${c.meanPositive.neg.toFixed(3)}${seconds ? ` (${c.seconds.toFixed(1)} s)` : ''}`;
}

/** What `pnpm check` measured (written to DIR/check.json). */
export interface CheckReport {
  options: Omit<CheckOptions, 'quiet' | 'outDir'>;
  modelPath: string;
  classifier: { judge: JudgeKind; trainingReviews: number; epochs: number; testAccuracy: number };
  /** The reranking guide (when a --rerank value is above 1): its features and its accuracy on the validation reviews. */
  guide?: { trainingReviews: number; features: number; testAccuracy: number; seconds: number };
  results: Conditioning[];
  samples: { guidance: number; rerank: number; sentiment: 'pos' | 'neg'; text: string }[];
}

/**
 * The conditioning check alone on a saved model: trains the judge as `start` does (same reviews,
 * settings and seed), and the reranking guide on the same training reviews when a --rerank value
 * is above 1, then checks each guidance value (and each rerank value) with the same sampler seed. The caller
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
    const judging = startStep(`Training the sentiment classifier (apps/sentiment's ${options.judge} model) on ${data.classifier.texts.length} reviews for ${options.classifierEpochs} epoch(s)`, { quiet });
    const judge = await trainClassifier(
      { texts: data.classifier.texts.map(cleanReview), labels: data.classifier.labels },
      { texts: data.valid.texts.map(cleanReview), labels: data.valid.labels },
      { ...JUDGES[options.judge], kind: options.judge, epochs: options.classifierEpochs, bigramBuckets: options.judgeBuckets ?? JUDGES[options.judge].bigramBuckets, seed: options.seed, quiet: true },
    );
    judging.end(`accuracy on the ${data.valid.texts.length} validation reviews ${(100 * judge.testAccuracy).toFixed(1)}%`);
    let guide: SentimentGuide | undefined;
    let guideReport: CheckReport['guide'];
    if (options.rerank.some((n) => n > 1)) {
      const guiding = startStep(`Training the reranking guide (logistic regression on word unigrams and bigrams) on ${data.classifier.texts.length} reviews`, { quiet });
      const start = performance.now();
      guide = SentimentGuide.train(data.classifier.texts.map(cleanReview), data.classifier.labels, { seed: options.seed });
      const testAccuracy = guide.accuracy(data.valid.texts.map(cleanReview), data.valid.labels);
      guideReport = { trainingReviews: data.classifier.texts.length, features: guide.features.length, testAccuracy, seconds: (performance.now() - start) / 1000 };
      guiding.end(`${guide.features.length.toLocaleString('en-US')} features, accuracy on the ${data.valid.texts.length} validation reviews ${(100 * testAccuracy).toFixed(1)}%`);
    }
    const results: Conditioning[] = [];
    const samples: CheckReport['samples'] = [];
    try {
      for (const guidance of options.guidance) {
        const rounds = Math.max(...options.rerank);
        const candidates = rounds === 1 ? '' : ` x ${rounds} candidates for reranking`;
        const step = startStep(`Generating ${options.samples} reviews per sentiment${candidates} with guidance ${guidance} (${options.sampleTokens} tokens at most, temperature ${CHECK_SAMPLING.temperature}, top-k ${CHECK_SAMPLING.topK}, seed ${options.sampleSeed})`, { quiet });
        const checked = await conditioningChecks(model, tokenizer, judge, { samples: options.samples, sampleTokens: options.sampleTokens, seed: options.sampleSeed, guidance, rerank: options.rerank, guide });
        step.end(checked.map(({ conditioning }) => formatConditioning(conditioning)).join('; '));
        for (const { conditioning, texts } of checked) {
          results.push(conditioning);
          samples.push({ guidance, rerank: conditioning.rerank, sentiment: 'pos', text: texts[0]! }, { guidance, rerank: conditioning.rerank, sentiment: 'neg', text: texts[options.samples]! });
        }
      }
    } finally {
      judge.model.dispose();
    }
    const report: CheckReport = {
      options: (({ quiet: _q, outDir: _o, ...rest }) => rest)(options),
      modelPath,
      classifier: { judge: options.judge, trainingReviews: data.classifier.texts.length, epochs: options.classifierEpochs, testAccuracy: judge.testAccuracy },
      ...(guideReport === undefined ? {} : { guide: guideReport }),
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
