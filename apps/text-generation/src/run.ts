// The whole of `pnpm start` / `pnpm full` once the flags are read: data, tokenizer, the n-gram
// baseline, the GPT, the comparison, the conditioning check and samples.
import { writeFileAtomic } from '@loom-ml/core/node';
import { BpeTokenizer } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { artifactPaths, saveArtifacts } from './artifacts.js';
import { CHECK_SAMPLING, conditioningChecks, formatConditioning, type Conditioning } from './check.js';
import { JUDGES, trainClassifier, type JudgeKind } from './classifier.js';
import { startStep } from './command-line.js';
import { cleanReview, PAD, SPECIAL_TOKENS, toSequences, type Sequences } from './corpus.js';
import { SentimentGuide } from './guide.js';
import { buildModel } from './model.js';
import { KneserNey } from './ngram.js';
import type { TrainOptions } from './options.js';
import { pickRows, sequenceNll, targetNll, trainModel } from './train.js';
import { lossByTrainingCount, type CountGroup } from './breakdown.js';

/** What a run measured (written to report.json and printed). */
export interface RunReport {
  options: Omit<TrainOptions, 'quiet' | 'outDir'>;
  trainingReviews: number;
  trainingTokens: number;
  validationTokens: number;
  validationBytes: number;
  /** Validation rows scored (sliding windows when options.scoreContext is above 0). */
  validationRows: number;
  bytesPerToken: number;
  parameters: number;
  gpt: { perplexity: number; bitsPerByte: number; trainSeconds: number; trainSteps: number; trainTokensPerSecond: number; tokensSeen: number; rowsSeen: number };
  /**
   * How much the GPT uses the sentiment token: the validation text's NLL with every row's
   * sentiment token swapped (<pos> for <neg> and back), minus its NLL with the right one, in
   * bits per validation review (0: the token is ignored; the language-modelling loss can gain
   * at most 1 bit per row from it).
   */
  sentimentGap: { bitsPerReview: number; swappedPerplexity: number; swappedBitsPerByte: number };
  /** The best n-gram on the validation text, and every order tried. */
  ngram: { order: number; perplexity: number; bitsPerByte: number };
  ngrams: { order: number; perplexity: number; bitsPerByte: number }[];
  /**
   * Where the GPT wins and loses against the best n-gram: the validation targets grouped by how
   * often their n-gram of that order occurred in the training rows, with each model's mean nats
   * per target in each group.
   */
  lossByCount: { order: number; groups: CountGroup[] };
  classifier: { judge: JudgeKind; trainingReviews: number; epochs: number; testAccuracy: number };
  /**
   * `pos`/`neg`: share judged as the sentiment asked for; `meanPositive`: the judge's mean
   * probability of "positive" over the reviews asked for each way (a shift shows some
   * conditioning even when the judge calls nearly everything one way).
   */
  conditioning: Conditioning;
  /**
   * The same check with the guided sampler the flags ask for (`--guidance` above 0 and/or
   * `--rerank` above 1), judged by the same judge; absent when neither is asked for.
   */
  guided?: Conditioning;
  /** The reranking guide (when `--rerank` is above 1): its features and its accuracy on the validation reviews. */
  guide?: { trainingReviews: number; features: number; testAccuracy: number; seconds: number };
  samples: { sentiment: 'pos' | 'neg'; guided: boolean; text: string }[];
}

const LN2 = Math.log(2);

function reviewsOf(data: { texts: string[]; labels: ArrayLike<number> }): { text: string; label: number }[] {
  return data.texts.map((text, i) => ({ text: cleanReview(text), label: data.labels[i]! }));
}

/** Perplexity per token and bits per byte of a summed NLL over `rows`. */
function scores({ nats, tokens }: { nats: number; tokens: number }, bytes: number): { perplexity: number; bitsPerByte: number } {
  return { perplexity: Math.exp(nats / tokens), bitsPerByte: nats / LN2 / bytes };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/**
 * Trains and evaluates everything `options` asks for, saving the model, tokenizer and report in
 * `options.outDir` (and the model for the page in `webDir`). The caller starts the backend.
 */
/** Reviews as `loadImdb` returns them (labels: 1 = positive). */
export interface LabelledTexts {
  texts: string[];
  labels: ArrayLike<number>;
}

/** The IMDB reviews a run reads: the GPT's training reviews, the validation reviews (test half), and the classifier's training reviews. */
export async function loadReviews(options: Pick<TrainOptions, 'limit' | 'validLimit' | 'classifierLimit'>): Promise<{ train: LabelledTexts; valid: LabelledTexts; classifier: LabelledTexts }> {
  const { loadImdb } = await import('@loom-ml/datasets/node');
  const [train, valid, classifier] = await Promise.all([
    loadImdb({ split: 'train', limit: options.limit }),
    loadImdb({ split: 'test', limit: options.validLimit }),
    loadImdb({ split: 'train', limit: options.classifierLimit }),
  ]);
  return { train, valid, classifier };
}

/**
 * Trains and evaluates everything `options` asks for, saving the model, tokenizer and report in
 * `options.outDir` (and the model for the page in `webDir`). The caller starts the backend and
 * disposes the returned model. `reviews` replaces IMDB (tests).
 */
export async function runTraining(
  options: TrainOptions,
  log: (line: string) => void,
  webDir?: string,
  reviews?: { train: LabelledTexts; valid: LabelledTexts; classifier: LabelledTexts },
): Promise<{ report: RunReport; model: Sequential; tokenizer: BpeTokenizer; paths: ReturnType<typeof artifactPaths> }> {
  const { quiet } = options;
  const loading = startStep('Loading IMDB reviews', { quiet });
  const { train: trainData, valid: validData, classifier: classifierData } = reviews ?? (await loadReviews(options));
  const train = reviewsOf(trainData);
  const valid = reviewsOf(validData);
  loading.end(`${train.length} training reviews for the GPT, ${valid.length} validation reviews (test half), ${classifierData.texts.length} for the classifier`);

  const tokenizing = startStep(`Training a ${options.vocabulary}-id byte-level BPE tokenizer and encoding the reviews`, { quiet });
  const tokenizer = BpeTokenizer.train(
    train.map((r) => r.text),
    { vocabularySize: options.vocabulary, specialTokens: [...SPECIAL_TOKENS] },
  );
  const trainRows = toSequences(tokenizer, train, options.context + 1);
  // Sliding windows: every validation target scored once, after at least --score-context ids.
  const validRows = toSequences(tokenizer, valid, options.context + 1, { minContext: options.scoreContext });
  const trainingTokens = countTargets(trainRows);
  const validationTokens = countTargets(validRows);
  const validationBytes = sum(validRows.targetBytes);
  tokenizing.end(`${trainRows.count} rows of ${options.context + 1} ids (${trainingTokens.toLocaleString('en-US')} training tokens, ${(sum(trainRows.targetBytes) / trainingTokens).toFixed(2)} bytes per token)`);

  const config = { vocabularySize: tokenizer.vocabularySize, context: options.context, embeddingDim: options.dim, layers: options.layers, heads: options.heads, dropout: options.dropout, activation: options.activation, tiedOutput: options.output === 'tied', broadcastPrefix: options.prefix === 'broadcast' };
  const model = buildModel(config, options.seed);
  log(`GPT: ${options.layers} decoder blocks, width ${options.dim}, ${options.heads} heads, ${options.activation}, ${options.output === 'tied' ? 'tied' : 'dense'} output, context ${options.context}, vocabulary ${tokenizer.vocabularySize}: ${model.countParams().toLocaleString('en-US')} parameters.`);
  const budget = options.trainMinutes === undefined ? '' : ` or ${options.trainMinutes} minutes, whichever ends first`;
  const training = startStep(`Training for ${options.epochs} epoch(s)${budget}, batches of ${options.batchSize} rows`, { quiet });
  let lastLine = 0;
  const trained = await trainModel(model, trainRows, options, (p) => {
    training.update(p.step, p.steps);
    if (!quiet && !process.stdout.isTTY && (p.step === p.steps || performance.now() - lastLine > 30_000)) {
      lastLine = performance.now();
      log(`  step ${p.step}/${p.steps}  loss ${p.loss.toFixed(3)}  ${Math.round(p.tokens / p.seconds)} tokens/s`);
    }
  });
  training.end(`${trained.steps} steps, ${trained.tokens.toLocaleString('en-US')} tokens (${trained.rowsSeen.length} of the ${trainRows.count} rows), ${Math.round(trained.tokensPerSecond)} tokens/s`);

  // Every order from 2 to --ngram-order, the best one on the validation text kept as the
  // baseline (this favours the baseline: its order is chosen on the text it is scored on).
  const seenRows = pickRows(trainRows, trained.rowsSeen);
  const counting = startStep(`Fitting Kneser-Ney n-grams of orders 2 to ${options.ngramOrder} on the ${seenRows.count} rows the GPT trained on`, { quiet });
  const ngrams: RunReport['ngrams'] = [];
  let best: { ngram: KneserNey; scores: RunReport['ngram'] } | undefined; // the best so far, kept for the breakdown
  for (let order = Math.min(2, options.ngramOrder); order <= options.ngramOrder; order++) {
    const ngram = KneserNey.fit(seenRows, { order, vocabularySize: tokenizer.vocabularySize, padId: PAD });
    ngrams.push({ order, ...scores(ngram.nll(validRows), validationBytes) });
    if (best === undefined || ngrams.at(-1)!.bitsPerByte < best.scores.bitsPerByte) best = { ngram, scores: ngrams.at(-1)! };
  }
  const { ngram: bestNgram, scores: ngramScores } = best!;
  counting.end(`best: order ${ngramScores.order}, validation perplexity ${ngramScores.perplexity.toFixed(2)}, ${ngramScores.bitsPerByte.toFixed(3)} bits per byte`);

  const evaluating = startStep(`Scoring ${validationTokens.toLocaleString('en-US')} validation tokens${options.scoreContext > 0 ? ` (${validRows.count} sliding windows, each target after at least ${options.scoreContext} ids of its review)` : ''}`, { quiet });
  const gptTargets = await targetNll(model, validRows, 32, (done, total) => evaluating.update(done, total));
  const gptScores = scores({ nats: sum(gptTargets), tokens: gptTargets.length }, validationBytes);
  const lossByCount = { order: bestNgram.order, groups: lossByTrainingCount(gptTargets, bestNgram.targetNll(validRows), bestNgram.trainingCounts(validRows)) };
  evaluating.end(`perplexity ${gptScores.perplexity.toFixed(2)}`);
  const swapping = startStep('Scoring the validation text again with the sentiment tokens swapped', { quiet });
  const swappedRows = toSequences(tokenizer, valid.map((r) => ({ ...r, label: 1 - r.label })), options.context + 1, { minContext: options.scoreContext });
  const swapped = await sequenceNll(model, swappedRows, 32, (done, total) => swapping.update(done, total));
  const sentimentGap = { bitsPerReview: (swapped.nats - Math.log(gptScores.perplexity) * validationTokens) / LN2 / valid.length, swappedPerplexity: Math.exp(swapped.nats / swapped.tokens), swappedBitsPerByte: swapped.nats / LN2 / validationBytes };
  swapping.end(`perplexity ${sentimentGap.swappedPerplexity.toFixed(2)}: the right token is worth ${sentimentGap.bitsPerReview.toFixed(3)} bits per review`);
  const paths = { ...artifactPaths(options.outDir), ...(await saveArtifacts(options.outDir, model, tokenizer, webDir)) };

  const judging = startStep(`Training the sentiment classifier (apps/sentiment's ${options.judge === 'bigrams' ? 'bigrams model' : 'LSTM'}) on ${classifierData.texts.length} reviews for ${options.classifierEpochs} epoch(s)`, { quiet });
  const classifier = await trainClassifier(
    { texts: classifierData.texts.map(cleanReview), labels: classifierData.labels },
    { texts: valid.map((r) => r.text), labels: valid.map((r) => r.label) },
    { ...JUDGES[options.judge], kind: options.judge, epochs: options.classifierEpochs, bigramBuckets: options.judgeBuckets ?? JUDGES[options.judge].bigramBuckets, seed: options.seed, quiet: true },
  );
  judging.end(`accuracy on the ${valid.length} validation reviews ${(100 * classifier.testAccuracy).toFixed(1)}%`);

  let guide: SentimentGuide | undefined;
  let guideReport: RunReport['guide'];
  if (options.rerank > 1) {
    const guiding = startStep(`Training the reranking guide (logistic regression on word unigrams and bigrams) on ${classifierData.texts.length} reviews`, { quiet });
    const start = performance.now();
    guide = SentimentGuide.train(classifierData.texts.map(cleanReview), classifierData.labels, { seed: options.seed });
    const testAccuracy = guide.accuracy(valid.map((r) => r.text), valid.map((r) => r.label));
    guideReport = { trainingReviews: classifierData.texts.length, features: guide.features.length, testAccuracy, seconds: (performance.now() - start) / 1000 };
    guiding.end(`${guide.features.length.toLocaleString('en-US')} features, accuracy on the ${valid.length} validation reviews ${(100 * testAccuracy).toFixed(1)}%`);
  }
  // The prefix alone (plain sampling), then the guided sampler the flags ask for; with guidance
  // 0 the reranking's first round is the plain check itself.
  const sampling = { samples: options.samples, sampleTokens: options.sampleTokens, seed: options.seed };
  const isGuided = options.guidance > 0 || options.rerank > 1;
  const guidedText = !isGuided ? '' : `, then${options.guidance > 0 ? ` with guidance ${options.guidance}` : ''}${options.rerank > 1 ? ` as the best of ${options.rerank} by the guide` : ''}`;
  const generating = startStep(`Generating ${options.samples} reviews per sentiment (${options.sampleTokens} tokens at most, temperature ${CHECK_SAMPLING.temperature}, top-k ${CHECK_SAMPLING.topK}${guidedText})`, { quiet });
  const checked = await (async () => {
    const plain = await conditioningChecks(model, tokenizer, classifier, { ...sampling, guidance: 0, rerank: options.guidance === 0 && options.rerank > 1 ? [1, options.rerank] : [1], guide });
    if (options.guidance > 0) plain.push(...(await conditioningChecks(model, tokenizer, classifier, { ...sampling, guidance: options.guidance, rerank: [options.rerank], guide })));
    return plain;
  })().finally(() => classifier.model.dispose());
  const { conditioning, texts } = checked[0]!;
  const guided = checked[1];
  generating.end(checked.map((c) => formatConditioning(c.conditioning)).join('; '));

  const report: RunReport = {
    options: (({ quiet: _q, outDir: _o, ...rest }) => rest)(options),
    trainingReviews: train.length,
    trainingTokens,
    validationTokens,
    validationBytes,
    validationRows: validRows.count,
    bytesPerToken: validationBytes / validationTokens,
    parameters: model.countParams(),
    gpt: { ...gptScores, trainSeconds: trained.seconds, trainSteps: trained.steps, trainTokensPerSecond: trained.tokensPerSecond, tokensSeen: trained.tokens, rowsSeen: trained.rowsSeen.length },
    sentimentGap,
    ngram: ngramScores,
    ngrams,
    lossByCount,
    classifier: { judge: options.judge, trainingReviews: classifierData.texts.length, epochs: options.classifierEpochs, testAccuracy: classifier.testAccuracy },
    conditioning,
    ...(guided === undefined ? {} : { guided: guided.conditioning }),
    ...(guideReport === undefined ? {} : { guide: guideReport }),
    samples: [{ texts, guided: false }, ...(guided === undefined ? [] : [{ texts: guided.texts, guided: true }])].flatMap((set) =>
      [0, 1, options.samples, options.samples + 1].filter((i) => i < set.texts.length).map((i) => ({ sentiment: i < options.samples ? ('pos' as const) : ('neg' as const), guided: set.guided, text: set.texts[i]! })),
    ),
  };
  await writeFileAtomic(paths.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { report, model, tokenizer, paths };
}

function countTargets(rows: Sequences): number {
  let n = 0;
  for (let r = 0; r < rows.count; r++) for (let t = rows.scoreFrom?.[r] ?? 1; t < rows.length; t++) if (rows.ids[r * rows.length + t] !== PAD) n++;
  return n;
}

/** The comparison and the samples, as `start` prints them. */
export function formatReport(report: RunReport): string {
  const row = (name: string, s: { perplexity: number; bitsPerByte: number }) => `${name.padEnd(28)} ${s.perplexity.toFixed(2).padStart(10)} ${s.bitsPerByte.toFixed(3).padStart(13)}`;
  const c = report.conditioning;
  const g = report.guided;
  const rates = (x: Conditioning) => [
    `  <pos> -> positive ${(100 * x.pos).toFixed(1)}%, <neg> -> negative ${(100 * x.neg).toFixed(1)}%, overall ${(100 * x.overall).toFixed(1)}% (${((1000 * x.seconds) / (2 * x.samplesPerSentiment)).toFixed(0)} ms per review)`,
    `  mean probability of positive: ${x.meanPositive.pos.toFixed(3)} for <pos>, ${x.meanPositive.neg.toFixed(3)} for <neg>`,
  ];
  const guidedName = (x: Conditioning) => [x.guidance > 0 ? `contrastive guidance ${x.guidance}` : '', x.rerank > 1 ? `best of ${x.rerank} by the guide (${report.guide === undefined ? '' : `${(100 * report.guide.testAccuracy).toFixed(1)}% on the validation reviews`})` : ''].filter(Boolean).join(', ');
  return [
    '',
    `Validation: ${report.validationTokens.toLocaleString('en-US')} tokens (${report.validationBytes.toLocaleString('en-US')} bytes) of ${report.options.validLimit} test-half reviews${report.options.scoreContext > 0 ? `, in ${report.validationRows} sliding windows (every target after at least ${report.options.scoreContext} ids of its review)` : ''}`,
    `${'model'.padEnd(28)} ${'perplexity'.padStart(10)} ${'bits per byte'.padStart(13)}`,
    row(`GPT (${report.parameters.toLocaleString('en-US')} parameters)`, report.gpt),
    row('GPT, sentiment tokens swapped', { perplexity: report.sentimentGap.swappedPerplexity, bitsPerByte: report.sentimentGap.swappedBitsPerByte }),
    ...report.ngrams.map((n) => row(`${n.order}-gram Kneser-Ney${n.order === report.ngram.order ? ' (best)' : ''}`, n)),
    '',
    `Where the GPT wins and loses: validation targets by how often their ${report.lossByCount.order}-gram occurred in training (nats per target)`,
    `${'occurrences'.padEnd(12)} ${'targets'.padStart(9)} ${'GPT'.padStart(7)} ${`${report.lossByCount.order}-gram`.padStart(7)} ${'GPT - n-gram'.padStart(12)}`,
    ...report.lossByCount.groups.map((g) => `${g.label.padEnd(12)} ${g.targets.toLocaleString('en-US').padStart(9)} ${g.gpt.toFixed(3).padStart(7)} ${g.ngram.toFixed(3).padStart(7)} ${((g.gpt - g.ngram >= 0 ? '+' : '') + (g.gpt - g.ngram).toFixed(3)).padStart(12)}`),
    '',
    `Conditioning by the prefix alone (${c.samplesPerSentiment} reviews per prefix, plain sampling, judged by the ${report.classifier.judge} classifier with ${(100 * report.classifier.testAccuracy).toFixed(1)}% validation accuracy):`,
    ...rates(c),
    ...(g === undefined ? [] : [`Guided (${guidedName(g)}; the same judge):`, ...rates(g)]),
    '',
    `Samples (temperature ${CHECK_SAMPLING.temperature}, top-k ${CHECK_SAMPLING.topK}${g === undefined ? '' : `; the last ones guided: ${guidedName(g)}`}):`,
    ...report.samples.map((s) => `  <${s.sentiment}>${s.guided ? ' (guided)' : ''} ${s.text.replace(/\n/g, ' / ')}`),
  ].join('\n');
}
