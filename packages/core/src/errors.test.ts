import { describe, expect, it } from 'vitest';
import { describeValue, FileRefusedError, invalidValueMessage, LoomError } from './errors.js';

describe('errors', () => {
  it('marks Loom errors across copies with Symbol.for', () => {
    const error = new FileRefusedError('x');
    expect(LoomError.isInstance(error)).toBe(true);
    expect(error.name).toBe('FileRefusedError');
    const foreign = Object.assign(new Error('y'), { [Symbol.for('loom-ml.error')]: true });
    expect(LoomError.isInstance(foreign)).toBe(true);
    expect(LoomError.isInstance(new Error('z'))).toBe(false);
  });

  it('describes values briefly, cutting long strings', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue('x'.repeat(500))).toBe(`'${'x'.repeat(80)}…' (500 characters)`);
    expect(describeValue([1, 'a'])).toBe("[1, 'a']");
    expect(describeValue([[2, 3], null, { a: 1 }])).toBe('[[2, 3], null, {"a":1}]');
    expect(describeValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(10n)).toBe('10n');
  });

  it('cuts long and deeply nested arrays without describing every item', () => {
    const huge = new Array<number>(1_000_000).fill(1);
    const text = describeValue(huge);
    expect(text.length).toBeLessThanOrEqual(81);
    expect(text.startsWith('[1, 1, 1')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    expect(describeValue(cyclic)).toBe('[1, [1, [1, [1, [1, […]]]]]]');
  });

  it('builds the one message form', () => {
    expect(invalidValueMessage('units', "Dense 'dense_1'", 'a positive integer', -3)).toBe(
      "Invalid value for `units` in Dense 'dense_1'. Expected a positive integer. Received: -3.",
    );
    expect(invalidValueMessage('shape', 'f', 'rank 2', [32, 9])).toBe('Invalid value for `shape` in f. Expected rank 2. Received: [32, 9].');
  });
});
