// pickToken against hand-worked cases and, for sampling, against the softmax it should follow.
import { describe, expect, it } from 'vitest';
import { pickToken, seededRandom, type SamplingOptions } from './sampling.js';

const GREEDY: SamplingOptions = { temperature: 0, topK: undefined, topP: 1, repetitionPenalty: 1 };
const SAMPLE: SamplingOptions = { temperature: 1, topK: undefined, topP: 1, repetitionPenalty: 1 };
const fixed = (u: number) => () => u;

describe('pickToken', () => {
  it('greedy takes the largest logit, the lowest id on ties', () => {
    expect(pickToken([0.1, 2, -3, 2], [], GREEDY, fixed(0.5))).toBe(1);
    expect(pickToken([-1, -1], [], GREEDY, fixed(0.5))).toBe(0);
  });

  it('repetition penalty divides positive and multiplies negative logits of ids seen before', () => {
    // [2, 1.5, -1] with id 0 seen and penalty 2 -> [1, 1.5, -1]: greedy moves to id 1.
    expect(pickToken([2, 1.5, -1], [0], { ...GREEDY, repetitionPenalty: 2 }, fixed(0))).toBe(1);
    // A negative logit seen before moves further down: [-0.5, -0.6] with id 0 seen -> [-1, -0.6].
    expect(pickToken([-0.5, -0.6], [0, 0], { ...GREEDY, repetitionPenalty: 2 }, fixed(0))).toBe(1);
  });

  it('samples by cumulative probability in order of likelihood', () => {
    // softmax(log [0.5, 0.3, 0.2]): ordered 0, 1, 2 with cumulative 0.5, 0.8, 1.
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    expect(pickToken(logits, [], SAMPLE, fixed(0.49))).toBe(0);
    expect(pickToken(logits, [], SAMPLE, fixed(0.51))).toBe(1);
    expect(pickToken(logits, [], SAMPLE, fixed(0.81))).toBe(2);
  });

  it('topK keeps the k most likely, and tokens tied with the k-th', () => {
    expect(pickToken([1, 3, 2, 0], [], { ...SAMPLE, topK: 1 }, fixed(0.999))).toBe(1);
    // [1, 1, 0] with topK 1: ids 0 and 1 tie, both stay (half each).
    expect(pickToken([1, 1, 0], [], { ...SAMPLE, topK: 1 }, fixed(0.4))).toBe(0);
    expect(pickToken([1, 1, 0], [], { ...SAMPLE, topK: 1 }, fixed(0.6))).toBe(1);
  });

  it('topP keeps the fewest most likely tokens whose probability reaches topP', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    // topP 0.6: {0, 1} (0.5 < 0.6, 0.8 >= 0.6), renormalised to 0.625 / 0.375.
    expect(pickToken(logits, [], { ...SAMPLE, topP: 0.6 }, fixed(0.6))).toBe(0);
    expect(pickToken(logits, [], { ...SAMPLE, topP: 0.6 }, fixed(0.99))).toBe(1);
    // topP 0.5: the first token already reaches it.
    expect(pickToken(logits, [], { ...SAMPLE, topP: 0.5 }, fixed(0.99))).toBe(0);
  });

  it('follows softmax(logits / temperature): 40,000 seeded draws within 4.5 standard errors', () => {
    const logits = [0, 1, 2, -1];
    const temperature = 0.7;
    const exp = logits.map((v) => Math.exp(v / temperature));
    const expected = exp.map((v) => v / exp.reduce((a, b) => a + b, 0));
    const random = seededRandom(7);
    const counts = [0, 0, 0, 0];
    const draws = 40_000;
    for (let i = 0; i < draws; i++) counts[pickToken(logits, [], { ...SAMPLE, temperature }, random)]!++;
    counts.forEach((count, id) => {
      const p = expected[id]!;
      expect(Math.abs(count / draws - p), `token ${id}`).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / draws));
    });
  });
});

describe('seededRandom', () => {
  it('repeats for a seed, differs between seeds, stays in [0, 1) with mean near 1/2', () => {
    const [a, b, c] = [seededRandom(1), seededRandom(1), seededRandom(2)];
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    const values = Array.from({ length: 20_000 }, seededRandom(3));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    // Mean of 20,000 uniforms: standard error 0.29 / sqrt(20000) = 0.002.
    expect(Math.abs(values.reduce((s, v) => s + v, 0) / values.length - 0.5)).toBeLessThan(0.01);
  });
});
