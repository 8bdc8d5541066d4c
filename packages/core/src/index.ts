// Public API of @loom-ml/core (runs anywhere): an explicit list of named re-exports.
// Node-only file I/O is in './node.ts' (the '@loom-ml/core/node' entry).
export { LoomError, FileRefusedError, InvalidFileError, ChecksumError, describeValue, invalidValueMessage } from './errors.js';
export { seededRandom, shuffleInPlace, setSeed, nextSeed, withSeed } from './random.js';
export { parseJsonBounded } from './container/json.js';
export type { ParseJsonOptions } from './container/json.js';
export {
  CONTAINER_DTYPES,
  CONTAINER_MAGIC,
  isContainer,
  encodeContainer,
  encodeContainerParts,
  decodeContainer,
  checkContainerHeader,
  containerPayloadLength,
  openContainer,
  verifyContainerChecksum,
} from './container/container.js';
export type {
  Container,
  ContainerArray,
  ContainerQuantization,
  ContainerContents,
  ContainerDtype,
  ContainerHeader,
  ContainerLimits,
  ContainerTensorInfo,
  ContainerTensorInput,
  DecodeContainerOptions,
} from './container/container.js';
export { sha256Hex, sha256HexAsync } from './container/sha256.js';
export { float32ToFloat16, float16ToFloat32, isNonFiniteHalf } from './container/float16.js';
export { quantizeSymmetricInt8, dequantizeSymmetric } from './container/quantize.js';
export type { SymmetricInt8 } from './container/quantize.js';
export { loadBytes, saveBytes, downloadBytes, removeStoredBytes, listStoredBytes } from './storage/bytes.js';
export type { ByteSource, LoadBytesOptions, SaveBytesOptions } from './storage/bytes.js';
export { useFusedKernels, fusedKernelsEnabled } from './fused-kernels.js';
