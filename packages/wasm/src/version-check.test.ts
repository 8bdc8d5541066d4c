import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { LoomError, WasmError } from './errors.js';
import { assertPinnedVersions, PINNED_TFJS_VERSION } from './version-check.js';

describe('assertPinnedVersions', () => {
  it('accepts the installed tfjs-core, which is the pinned version', () => {
    expect(tf.version_core).toBe(PINNED_TFJS_VERSION);
    expect(() => assertPinnedVersions({ '@tensorflow/tfjs-core': tf.version_core })).not.toThrow();
  });

  it('fails loudly naming the package and both versions', () => {
    let caught: unknown;
    try {
      assertPinnedVersions({ '@tensorflow/tfjs-core': '4.21.0' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WasmError);
    expect(LoomError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'Invalid value for `version` of @tensorflow/tfjs-core in initWasm. Expected 4.22.0 (the version @loom-ml/wasm is pinned to). ' +
        'Received: 4.21.0. Install @tensorflow/tfjs-core@4.22.0.',
    );
  });
});
