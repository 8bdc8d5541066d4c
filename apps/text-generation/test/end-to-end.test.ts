// One tiny run of the whole pipeline on a handful of IMDB reviews (cpu backend, seconds): the
// report holds finite numbers that agree with each other, the saved files load back and
// generate exactly what the trained model generates.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { generate } from '@loom-ml/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '../src/artifacts.js';
import { conditioningCheck, conditioningChecks, roundSeed, runCheck, type CheckReport } from '../src/check.js';
import { trainClassifier } from '../src/classifier.js';
import { promptIds } from '../src/prompt.js';
import { runTraining, type RunReport } from '../src/run.js';

// Hand-written reviews instead of IMDB: the test reads no 30 MB file.
const positive = ['A wonderful film, I loved it.', 'Great acting and a moving story.', 'Brilliant, funny and warm.', 'One of the best films of the year.'];
const negative = ['A terrible film, I hated it.', 'Awful acting and a boring story.', 'Dull, slow and silly.', 'One of the worst films of the year.'];
const texts = positive.flatMap((p, i) => [p, negative[i]!]);
const data = { texts, labels: texts.map((_, i) => (i % 2 === 0 ? 1 : 0)) };

const work = await mkdtemp(join(tmpdir(), 'loom-text-generation-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('a tiny start run', () => {
  it('trains, compares, judges, saves; the saved model generates what the trained one does', async () => {
    const before = tf.memory().numTensors;
    const options = {
      limit: 8, validLimit: 8, vocabulary: 300, context: 12, dim: 16, layers: 1, heads: 2, dropout: 0, activation: 'relu' as const, output: 'dense' as const, prefix: 'broadcast' as const, epochs: 1, trainMinutes: undefined, batchSize: 16,
      learningRate: 0.003, weightDecay: 0.01, ngramOrder: 2, scoreContext: 4, samples: 3, sampleTokens: 20, classifierLimit: 8, judge: 'bigrams' as const, judgeBuckets: 500, classifierEpochs: 1, guidance: 1.5, rerank: 2, threads: 1 as const, seed: 5, outDir: join(work, 'runs'), quiet: true,
    };
    const { report, model, tokenizer, paths } = await runTraining(options, () => {}, join(work, 'web'), { train: data, valid: data, classifier: data });
    expect(report.gpt.perplexity).toBeGreaterThan(1);
    expect(report.ngram.perplexity).toBeGreaterThan(1);
    // Bits per byte and perplexity are two views of one summed NLL: ln(ppl) * tokens = bpb * ln 2 * bytes.
    for (const s of [report.gpt, report.ngram]) expect(Math.log(s.perplexity) * report.validationTokens).toBeCloseTo(s.bitsPerByte * Math.LN2 * report.validationBytes, 6);
    // The breakdown by training count covers every validation target once, with the same NLLs.
    const groups = report.lossByCount.groups;
    expect(report.lossByCount.order).toBe(report.ngram.order);
    expect(groups.reduce((n, g) => n + g.targets, 0)).toBe(report.validationTokens);
    expect(groups.reduce((n, g) => n + g.gpt * g.targets, 0)).toBeCloseTo(Math.log(report.gpt.perplexity) * report.validationTokens, 6);
    expect(groups.reduce((n, g) => n + g.ngram * g.targets, 0)).toBeCloseTo(Math.log(report.ngram.perplexity) * report.validationTokens, 6);
    // The swapped-token score is the same NLL's other view: the gap in bits per review, over 8 reviews.
    expect((report.sentimentGap.swappedBitsPerByte - report.gpt.bitsPerByte) * report.validationBytes).toBeCloseTo(report.sentimentGap.bitsPerReview * 8, 6);
    expect(report.conditioning.samplesPerSentiment).toBe(3);
    expect(report.classifier.judge).toBe('bigrams');
    // The prefix alone first, then the guided sampler the options ask for, by the same judge.
    expect([report.conditioning.guidance, report.conditioning.rerank]).toEqual([0, 1]);
    expect([report.guided?.guidance, report.guided?.rerank, report.guided?.samplesPerSentiment]).toEqual([1.5, 2, 3]);
    expect(report.guide).toMatchObject({ trainingReviews: 8, testAccuracy: expect.any(Number) });
    expect(report.samples.map((s) => [s.sentiment, s.guided])).toEqual([['pos', false], ['pos', false], ['neg', false], ['neg', false], ['pos', true], ['pos', true], ['neg', true], ['neg', true]]);
    expect(report.conditioning.newTokens).toBe(20); // past the context of 12: the window moves on
    expect([report.conditioning.pos, report.conditioning.neg].every((share) => share >= 0 && share <= 1)).toBe(true);
    expect(JSON.parse(await readFile(paths.reportPath, 'utf8')) as RunReport).toEqual(report);

    const prompt = promptIds(tokenizer, 'This film', 'neg');
    const expected = await generate(model, prompt, { maxNewTokens: 8, temperature: 0.8, topK: 10, seed: 3 });
    const saved = await loadArtifacts(paths.modelPath, paths.tokenizerPath);
    expect(await generate(saved.model, promptIds(saved.tokenizer, 'This film', 'neg'), { maxNewTokens: 8, temperature: 0.8, topK: 10, seed: 3 })).toEqual(expected);
    // The page's copies are the same files.
    expect(await readFile(join(work, 'web', 'gpt.loom'))).toEqual(await readFile(paths.modelPath));
    saved.model.dispose();

    // Best-of-N: each review's pick is, among the plain checks of seeds roundSeed(9, 0..2), the
    // candidate the guide scores highest for the asked-for sentiment (a stub guide: longer text
    // is more positive).
    const judge = await trainClassifier(data, data, { epochs: 1, maxLength: 10, maxWords: 100, seed: 5, quiet: true });
    const guide = { logOdds: (text: string) => text.length };
    const settings = { samples: 2, sampleTokens: 6, guidance: 0 };
    const [one, three] = await conditioningChecks(model, tokenizer, judge, { ...settings, seed: 9, rerank: [1, 3], guide });
    const rounds = await Promise.all([0, 1, 2].map(async (r) => (await conditioningCheck(model, tokenizer, judge, { ...settings, seed: roundSeed(9, r) })).texts));
    expect(one!.texts).toEqual(rounds[0]);
    expect(one!.conditioning).toMatchObject({ rerank: 1, pos: expect.any(Number) });
    const lengths = (i: number) => rounds.map((texts) => texts[i]!.length);
    expect(three!.texts.map((t) => t.length)).toEqual([0, 1, 2, 3].map((i) => (i < 2 ? Math.max(...lengths(i)) : Math.min(...lengths(i)))));
    expect(three!.conditioning.rerank).toBe(3);
    judge.model.dispose();

    // pnpm check on the saved model: one judge, two guidance values and two rerank values, the report in the folder.
    const check = await runCheck(
      { guidance: [0, 2], rerank: [1, 2], samples: 2, sampleTokens: 6, sampleSeed: 9, validLimit: 8, classifierLimit: 8, judge: 'bigrams', judgeBuckets: 500, classifierEpochs: 1, threads: 1, seed: 5, outDir: join(work, 'runs'), modelPath: undefined, quiet: true },
      () => {},
      { valid: data, classifier: data },
    );
    expect(check.results.map((r) => [r.guidance, r.rerank, r.samplesPerSentiment, r.newTokens])).toEqual([[0, 1, 2, 6], [0, 2, 2, 6], [2, 1, 2, 6], [2, 2, 2, 6]]);
    expect(check.guide).toMatchObject({ trainingReviews: 8, testAccuracy: expect.any(Number) });
    expect(check.results.every((r) => r.overall >= 0 && r.overall <= 1)).toBe(true);
    expect((JSON.parse(await readFile(check.reportPath, 'utf8')) as CheckReport).results).toEqual(check.results);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
