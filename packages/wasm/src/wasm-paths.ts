import { invalidValue } from './errors.js';

/** The two binaries this package uses (it requires SIMD, so the plain build is never loaded). */
export type WasmBinaryName = 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Where to load the `.wasm` binaries from: a prefix (folder URL or path ending in `/`) or a map
 * from binary name to its full URL or path.
 */
export type WasmPaths = string | Partial<Record<WasmBinaryName, string>>;

/**
 * Picks the location of one binary from the `wasmPaths` option, or `undefined` to use the default.
 *
 * @example
 * locateBinary('tfjs-backend-wasm-simd.wasm', '/static/wasm/'); // '/static/wasm/tfjs-backend-wasm-simd.wasm'
 */
export function locateBinary(name: WasmBinaryName, wasmPaths: WasmPaths | undefined): string | undefined {
  if (wasmPaths === undefined) return undefined;
  if (typeof wasmPaths === 'string') {
    if (wasmPaths.length === 0) throw invalidValue('wasmPaths', 'initWasm', 'a non-empty prefix or a map of binary names to URLs', wasmPaths);
    return wasmPaths.endsWith('/') ? wasmPaths + name : `${wasmPaths}/${name}`;
  }
  if (typeof wasmPaths !== 'object' || wasmPaths === null) {
    throw invalidValue('wasmPaths', 'initWasm', 'a prefix string or a map of binary names to URLs', wasmPaths);
  }
  const location = wasmPaths[name];
  if (location === undefined) {
    throw invalidValue(`wasmPaths['${name}']`, 'initWasm', 'a URL or path for every binary that is loaded', wasmPaths);
  }
  return location;
}
