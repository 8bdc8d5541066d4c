import { WasmError } from './errors.js';

/** The exact tfjs release this package's kernels and pthread glue are written against. */
export const PINNED_TFJS_VERSION = '4.22.0';

/**
 * Throws unless every given tfjs package reports exactly the pinned version. The kernels here
 * call into the wasm module's C functions and rely on tfjs-core internals, so a silent
 * mismatch could corrupt memory instead of failing.
 *
 * @example
 * assertPinnedVersions({ '@tensorflow/tfjs-core': tf.version_core });
 */
export function assertPinnedVersions(found: Record<string, string | undefined>): void {
  for (const [name, version] of Object.entries(found)) {
    if (version !== PINNED_TFJS_VERSION) {
      throw new WasmError(
        `Invalid value for \`version\` of ${name} in initWasm. Expected ${PINNED_TFJS_VERSION} ` +
          `(the version @loom-ml/wasm is pinned to). Received: ${String(version)}. ` +
          `Install ${name}@${PINNED_TFJS_VERSION}.`,
      );
    }
  }
}
