import { describe, expect, it } from 'vitest';
import { invalidValue, LoomError, WasmError } from './errors.js';

describe('errors', () => {
  it('builds the one message form and is a LoomError and a WasmError', () => {
    const error = invalidValue('threads', 'initWasm', 'a positive integer', -3);
    expect(error.message).toBe('Invalid value for `threads` in initWasm. Expected a positive integer. Received: -3.');
    expect(error).toBeInstanceOf(WasmError);
    expect(error.name).toBe('WasmError');
    expect(LoomError.isInstance(error)).toBe(true);
  });

  it('quotes strings and serialises objects in Received', () => {
    expect(invalidValue('wasmPaths', 'initWasm', 'a string', 'x').message).toMatch(/Received: 'x'\.$/);
    expect(invalidValue('options', 'initWasm', 'an object', { a: 1 }).message).toMatch(/Received: \{"a":1\}\.$/);
  });

  it('isInstance recognises the marker from another copy and rejects plain errors', () => {
    const foreign = Object.assign(new Error('from another package'), { [Symbol.for('loom-ml.error')]: true });
    expect(LoomError.isInstance(foreign)).toBe(true);
    expect(LoomError.isInstance(new Error('plain'))).toBe(false);
    expect(LoomError.isInstance(null)).toBe(false);
    expect(LoomError.isInstance('Invalid value')).toBe(false);
  });
});
