import { describe, expect, it } from 'vitest';
import { describeValue, FileRefusedError, LoomError } from './errors.js';

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
    expect(describeValue([1, 'a'])).toBe('[1,"a"]');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(10n)).toBe('10n');
  });
});
