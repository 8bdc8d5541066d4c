import { describe, expect, it } from 'vitest';
import { invalidValue, LoomError, OptimizerError } from './errors.js';

describe('errors', () => {
  it('OptimizerError is a LoomError recognised by its Symbol.for marker', () => {
    const error = invalidValue('learningRate', 'adam', 'a positive number', -3);
    expect(error).toBeInstanceOf(OptimizerError);
    expect(LoomError.isInstance(error)).toBe(true);
    expect(error.message).toBe('Invalid value for `learningRate` in adam. Expected a positive number. Received: -3.');
    // An error from another copy of the package (or another Loom package) carries the same marker.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('loom-ml.error')]: true });
    expect(LoomError.isInstance(foreign)).toBe(true);
    expect(LoomError.isInstance(new Error('plain'))).toBe(false);
    expect(LoomError.isInstance(null)).toBe(false);
  });
});
