import { ChecksumError, FileRefusedError, InvalidFileError, describeValue } from '../errors.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_HEADER_BYTES, parseJsonBounded } from './json.js';
import { sha256Hex, sha256HexAsync } from './sha256.js';
import { float16ToFloat32 } from './float16.js';
import { dequantizeSymmetric } from './quantize.js';

/**
 * The element types a container holds, with their sizes in bytes. Values are stored
 * little-endian. `float16` (IEEE binary16) needs container version 2 and reads raw as a
 * `Uint16Array` of bit patterns (`readFloat32` widens it).
 */
export const CONTAINER_DTYPES = {
  float64: 8,
  float32: 4,
  float16: 2,
  int32: 4,
  uint32: 4,
  int16: 2,
  uint16: 2,
  int8: 1,
  uint8: 1,
} as const;

/** The name of an element type a container holds: `'float32'`, `'int8'`, ... (the keys of `CONTAINER_DTYPES`). */
export type ContainerDtype = keyof typeof CONTAINER_DTYPES;

/** A typed array of each container dtype. */
export type ContainerArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const ARRAY_TYPES = {
  float64: Float64Array,
  float32: Float32Array,
  float16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

/**
 * How a quantised tensor's stored integers map to real values (container version 2).
 * `symmetric`: `value = stored × scales[i]`, where `i` is the element's index along `axis`
 * and `scales` names a float32 tensor of shape `[shape[axis]]` in the same container (finite,
 * non-negative). Only int8 tensors are quantised.
 */
export interface ContainerQuantization {
  scheme: 'symmetric';
  axis: number;
  scales: string;
}

/**
 * One tensor to write: `data` holds `product(shape)` values of `dtype` (a typed array of that
 * type, or its raw bytes; float16 as a `Uint16Array` of bit patterns, see `float32ToFloat16`).
 */
export interface ContainerTensorInput {
  name: string;
  dtype: ContainerDtype;
  shape: readonly number[];
  data: ArrayBufferView;
  /** For an int8 tensor holding quantised values: how to read them back (see `quantizeSymmetricInt8`). */
  quantization?: ContainerQuantization;
}

/** What `encodeContainer` writes: JSON metadata (any JSON value) and named tensors, in order. */
export interface ContainerContents {
  metadata?: unknown;
  tensors: readonly ContainerTensorInput[];
}

/** A tensor as the header describes it: its bytes are `payload[offsets[0], offsets[1])`. */
export interface ContainerTensorInfo {
  name: string;
  dtype: ContainerDtype;
  shape: number[];
  offsets: [number, number];
  /** Present on quantised int8 tensors (version 2): `readFloat32` dequantises with it. */
  quantization?: ContainerQuantization;
}

/**
 * A validated container header (the JSON between the prefix and the payload). Version 1 is
 * what every container without float16 or quantised tensors is written as, so that readers
 * from before version 2 still read it; version 2 adds both.
 */
export interface ContainerHeader {
  format: 'loom-container';
  version: 1 | 2;
  /** SHA-256 of the payload (64 hex digits); null only in headers converted from older formats. */
  sha256: string | null;
  metadata: unknown;
  tensors: ContainerTensorInfo[];
}

/**
 * Limits applied while reading a container; every one is checked before anything is allocated.
 *
 * @example
 * decodeContainer(bytes, { maxBytes: 2 ** 30, dtypes: ['float32'], what: "model 'digits.loom'" });
 */
export interface ContainerLimits {
  /** Largest whole container (or payload) accepted, in bytes (default 512 MiB). */
  maxBytes?: number;
  /** Largest JSON header, in bytes (default 64 MiB; never more than 1 GiB). */
  maxHeaderBytes?: number;
  /** Deepest JSON nesting in the header, metadata included (default 64). */
  maxDepth?: number;
  /** Most tensors (default 100,000). */
  maxTensors?: number;
  /** Highest rank of a tensor (default 8). */
  maxRank?: number;
  /** Element types accepted (default: every `CONTAINER_DTYPES` key). */
  dtypes?: readonly ContainerDtype[];
  /** What the bytes are, for error messages (default 'container'). */
  what?: string;
}

/** Options of `decodeContainer` and `openContainer`. */
export interface DecodeContainerOptions extends ContainerLimits {
  /**
   * Check the payload's SHA-256 against the header (default true). Pass false only to check it
   * later with the faster `verifyContainerChecksum` (async), before reading a tensor.
   */
  verifyChecksum?: boolean;
  /** Accept a header without a checksum (default false; for formats converted from older files). */
  allowMissingChecksum?: boolean;
}

/** A decoded container: validated header, and the payload its tensors' offsets point into. */
export interface Container extends ContainerHeader {
  /** The tensors' bytes (a view of the input, not a copy). */
  payload: Uint8Array;
  /** The tensor named `name`, or undefined. */
  get(name: string): ContainerTensorInfo | undefined;
  /** A copy of the tensor's values as a typed array of its dtype (float16: the raw bit patterns). */
  read(tensor: ContainerTensorInfo | string): ContainerArray;
  /**
   * The tensor's real values as float32: a float32 tensor copied, a float16 tensor widened, a
   * quantised int8 tensor dequantised (`stored × scale`). Other dtypes are refused.
   */
  readFloat32(tensor: ContainerTensorInfo | string): Float32Array;
}

/** "LOOMSAFE": the first 8 bytes of every container. */
export const CONTAINER_MAGIC = /* @__PURE__ */ Uint8Array.from([0x4c, 0x4f, 0x4f, 0x4d, 0x53, 0x41, 0x46, 0x45]);
const PREFIX_BYTES = 16;
/** The container versions this code reads; it writes 1 unless a tensor needs 2. */
const READABLE_VERSIONS: readonly number[] = [1, 2];
/** The header-length prefix is never trusted beyond this, whatever the options say. */
const HARD_MAX_HEADER_BYTES = 2 ** 30;
export const DEFAULT_MAX_BYTES = 512 * 2 ** 20;
const DEFAULT_MAX_TENSORS = 100_000;
const DEFAULT_MAX_RANK = 8;
const MAX_NAME_LENGTH = 1024;
const LITTLE_ENDIAN = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();

/**
 * True when `bytes` start with the container magic ("LOOMSAFE").
 *
 * @example
 * if (isContainer(bytes)) decodeContainer(bytes);
 */
export function isContainer(bytes: Uint8Array): boolean {
  return bytes.byteLength >= CONTAINER_MAGIC.length && CONTAINER_MAGIC.every((b, i) => bytes[i] === b);
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Version 2 is needed only for float16 or quantised tensors; everything else stays version 1. */
function versionFor(tensors: readonly { dtype: string; quantization?: unknown }[]): 1 | 2 {
  return tensors.some((t) => t.dtype === 'float16' || t.quantization !== undefined) ? 2 : 1;
}

/**
 * Checks every tensor's `quantization` against the others (the scales tensor exists, is
 * float32, has one value per channel, is used once and is not quantised itself) and returns
 * the normalised quantisation per tensor. `invalid(field, expected, received)` makes the error.
 */
function checkQuantization(
  tensors: readonly { name: string; dtype: string; shape: readonly number[]; quantization?: unknown }[],
  invalid: (field: string, expected: string, received: unknown) => Error,
): (ContainerQuantization | undefined)[] {
  const byName = new Map(tensors.map((t, i) => [t.name, i]));
  const scaleUsers = new Map<string, string>();
  return tensors.map((tensor, index) => {
    const q = tensor.quantization;
    if (q === undefined) return undefined;
    const field = `tensors[${index}].quantization`;
    if (!isPlainObject(q)) throw invalid(field, `an object { scheme: 'symmetric', axis, scales } for '${tensor.name}'`, q);
    if (q.scheme !== 'symmetric') throw invalid(`${field}.scheme`, `'symmetric' for '${tensor.name}'`, q.scheme ?? null);
    if (tensor.dtype !== 'int8') throw invalid(`tensors[${index}].dtype`, `'int8' for '${tensor.name}' (only int8 tensors are quantised)`, tensor.dtype);
    const axis = q.axis;
    if (typeof axis !== 'number' || !Number.isSafeInteger(axis) || axis < 0 || axis >= tensor.shape.length) {
      throw invalid(`${field}.axis`, `an axis of '${tensor.name}' (shape [${tensor.shape.join(', ')}]: 0 to ${tensor.shape.length - 1})`, axis ?? null);
    }
    const scalesName = q.scales;
    const scalesIndex = typeof scalesName === 'string' ? byName.get(scalesName) : undefined;
    if (typeof scalesName !== 'string' || scalesIndex === undefined || scalesName === tensor.name) {
      throw invalid(`${field}.scales`, `the name of another tensor of this container holding the scales of '${tensor.name}'`, scalesName ?? null);
    }
    const scales = tensors[scalesIndex]!;
    const channels = tensor.shape[axis]!;
    if (scales.dtype !== 'float32' || scales.quantization !== undefined || scales.shape.length !== 1 || scales.shape[0] !== channels) {
      throw invalid(
        `${field}.scales`,
        `'${scalesName}' to be an unquantised float32 tensor of shape [${channels}] (one scale per index of axis ${axis} of '${tensor.name}')`,
        `${scales.quantization !== undefined ? 'quantised ' : ''}${scales.dtype} of shape [${scales.shape.join(', ')}]`,
      );
    }
    const user = scaleUsers.get(scalesName);
    if (user !== undefined) throw invalid(`${field}.scales`, `scales used by one tensor only ('${scalesName}' already scales '${user}')`, scalesName);
    scaleUsers.set(scalesName, tensor.name);
    return { scheme: 'symmetric', axis, scales: scalesName };
  });
}

/**
 * The header and payload of a container, without the framing: for formats that keep them in
 * two files (a `model.json` and a `weights.bin`). `decodeContainerParts`' counterpart is
 * `checkContainerHeader` + `openContainer`.
 *
 * @example
 * const { header, payload } = encodeContainerParts({ metadata: { kind: 'als' }, tensors });
 * await writeFile('model.json', JSON.stringify(header)); await writeFile('weights.bin', payload);
 */
export function encodeContainerParts(contents: ContainerContents): { header: ContainerHeader; payload: Uint8Array } {
  const tensors: ContainerTensorInfo[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const [index, tensor] of contents.tensors.entries()) {
    const where = `tensors[${index}] ('${tensor.name}') in encodeContainer`;
    if (typeof tensor.name !== 'string' || tensor.name.length === 0 || tensor.name.length > MAX_NAME_LENGTH) {
      throw new InvalidFileError(`Invalid value for \`name\` of tensors[${index}] in encodeContainer. Expected a name of 1 to ${MAX_NAME_LENGTH} characters. Received: ${describeValue(tensor.name)}.`);
    }
    if (names.has(tensor.name)) throw new InvalidFileError(`Invalid value for \`name\` of tensors[${index}] in encodeContainer. Expected a unique name. Received: '${tensor.name}' twice.`);
    names.add(tensor.name);
    const bytesPer = Object.hasOwn(CONTAINER_DTYPES, tensor.dtype) ? CONTAINER_DTYPES[tensor.dtype] : undefined;
    if (bytesPer === undefined) throw new InvalidFileError(`Invalid value for \`dtype\` of ${where}. Expected one of ${Object.keys(CONTAINER_DTYPES).join(', ')}. Received: ${describeValue(tensor.dtype)}.`);
    const byteLength = elementCount(tensor.shape) * bytesPer;
    if (tensor.data.byteLength !== byteLength) {
      throw new InvalidFileError(`Invalid value for \`data\` of ${where}. Expected ${byteLength} bytes (shape [${tensor.shape.join(', ')}] of ${tensor.dtype}). Received: ${tensor.data.byteLength} bytes.`);
    }
    tensors.push({ name: tensor.name, dtype: tensor.dtype, shape: [...tensor.shape], offsets: [offset, offset + byteLength] });
    offset += byteLength;
  }
  const encodeInvalid = (field: string, expected: string, received: unknown) =>
    new InvalidFileError(`Invalid value for \`${field}\` in encodeContainer. Expected ${expected}. Received: ${describeValue(received)}.`);
  checkQuantization(contents.tensors, encodeInvalid).forEach((quantization, i) => {
    if (quantization !== undefined) tensors[i]!.quantization = quantization;
  });
  const payload = new Uint8Array(offset);
  contents.tensors.forEach((tensor, i) => {
    const target = payload.subarray(tensors[i]!.offsets[0], tensors[i]!.offsets[1]);
    target.set(bytesOf(tensor.data));
    const bytesPer = CONTAINER_DTYPES[tensor.dtype];
    if (!LITTLE_ENDIAN && bytesPer > 1) swapBytes(target, bytesPer);
  });
  for (const [i, tensor] of contents.tensors.entries()) {
    if (tensor.quantization === undefined) continue;
    const scales = contents.tensors.find((t) => t.name === tensor.quantization!.scales)!;
    const values = new Float32Array(bytesOf(scales.data).slice().buffer);
    const bad = values.findIndex((v) => !(Number.isFinite(v) && v >= 0));
    if (bad >= 0) throw new InvalidFileError(`Invalid value for \`tensors[${i}].quantization.scales\` in encodeContainer. Expected finite, non-negative scales in '${scales.name}'. Received: ${values[bad]} at index ${bad}.`);
  }
  return { header: { format: 'loom-container', version: versionFor(tensors), sha256: sha256Hex(payload), metadata: contents.metadata ?? null, tensors }, payload };
}

/**
 * Writes metadata and tensors as one container: "LOOMSAFE", a u32 container version, a u32
 * header length, the JSON header (padded with spaces to a multiple of 8 bytes), then the
 * tensors back to back. The header records each tensor's name, dtype, shape and byte range
 * (and quantisation), and the payload's SHA-256. The version is 1 unless a tensor is float16
 * or quantised (then 2), so files that need nothing new still load in older readers.
 *
 * @example
 * const bytes = encodeContainer({
 *   metadata: { kind: 'item-knn', items: 3 },
 *   tensors: [{ name: 'similarities', dtype: 'float32', shape: [3, 3], data: new Float32Array(9) }],
 * });
 * const back = decodeContainer(bytes).read('similarities'); // Float32Array(9)
 */
export function encodeContainer(contents: ContainerContents): Uint8Array {
  const { header, payload } = encodeContainerParts(contents);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((PREFIX_BYTES + json.length) / 8) * 8 - PREFIX_BYTES;
  if (padded > HARD_MAX_HEADER_BYTES) throw new InvalidFileError(`encodeContainer: the header has ${padded} bytes, more than the format's limit of ${HARD_MAX_HEADER_BYTES}.`);
  const bytes = new Uint8Array(PREFIX_BYTES + padded + payload.length);
  bytes.set(CONTAINER_MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, header.version, true);
  view.setUint32(12, padded, true);
  bytes.set(json, PREFIX_BYTES);
  bytes.fill(0x20, PREFIX_BYTES + json.length, PREFIX_BYTES + padded);
  bytes.set(payload, PREFIX_BYTES + padded);
  return bytes;
}

function positiveLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new FileRefusedError(`Invalid value for \`${name}\`. Expected a non-negative integer. Received: ${describeValue(value)}.`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed container header (from `JSON.parse` of a `model.json`, say) against the
 * limits: format and version, the checksum's form, every tensor's name (unique), dtype (from
 * the allow-list), shape (non-negative integers, rank within `maxRank`) and byte range — ranges
 * contiguous from 0, non-overlapping, each exactly `product(shape) × bytes per element` long,
 * the total within `maxBytes`. Returns the header with only the known fields. Allocates
 * nothing in proportion to what the header claims.
 *
 * @example
 * const header = checkContainerHeader(parseJsonBounded(text), { dtypes: ['float32'] });
 * const payloadBytes = containerPayloadLength(header);
 */
export function checkContainerHeader(value: unknown, options: ContainerLimits & { allowMissingChecksum?: boolean } = {}): ContainerHeader {
  const what = options.what ?? 'container';
  const maxBytes = positiveLimit(options.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes');
  const maxTensors = positiveLimit(options.maxTensors, DEFAULT_MAX_TENSORS, 'maxTensors');
  const maxRank = positiveLimit(options.maxRank, DEFAULT_MAX_RANK, 'maxRank');
  const allowed = new Set<string>(options.dtypes ?? Object.keys(CONTAINER_DTYPES));
  const invalid = (field: string, expected: string, received: unknown) =>
    new InvalidFileError(`Invalid value for \`${field}\` in the ${what} header. Expected ${expected}. Received: ${describeValue(received)}.`);
  if (!isPlainObject(value)) throw invalid('header', 'a JSON object', value);
  if (value.format !== 'loom-container') throw invalid('format', "'loom-container'", value.format ?? null);
  const version = value.version;
  if (typeof version !== 'number' || !READABLE_VERSIONS.includes(version)) {
    throw invalid('version', `${READABLE_VERSIONS.join(' or ')} (files from a newer Loom need that version to load)`, version ?? null);
  }
  const checksum = value.sha256 ?? null;
  if (!(typeof checksum === 'string' && /^[0-9a-f]{64}$/.test(checksum)) && !(checksum === null && options.allowMissingChecksum === true)) {
    throw invalid('sha256', 'the SHA-256 of the payload as 64 lowercase hex digits', checksum);
  }
  const list = value.tensors;
  if (!Array.isArray(list)) throw invalid('tensors', 'a list of { name, dtype, shape, offsets }', list ?? null);
  if (list.length > maxTensors) throw invalid('tensors', `at most ${maxTensors} tensors (the maxTensors limit)`, `${list.length} tensors`);
  const names = new Set<string>();
  const tensors: ContainerTensorInfo[] = [];
  let end = 0;
  for (const [index, entry] of list.entries()) {
    const field = `tensors[${index}]`;
    if (!isPlainObject(entry)) throw invalid(field, 'an object { name, dtype, shape, offsets }', entry);
    const { name, dtype, shape, offsets } = entry;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) throw invalid(`${field}.name`, `a name of 1 to ${MAX_NAME_LENGTH} characters`, name ?? null);
    if (names.has(name)) throw invalid(`${field}.name`, 'a name used by no other tensor', name);
    names.add(name);
    if (typeof dtype !== 'string' || !Object.hasOwn(CONTAINER_DTYPES, dtype) || !allowed.has(dtype)) {
      throw invalid(`${field}.dtype`, `one of ${[...allowed].join(', ')} for '${name}'`, dtype ?? null);
    }
    if (version === 1 && (dtype === 'float16' || entry.quantization !== undefined)) {
      throw invalid(`${field}.${dtype === 'float16' ? 'dtype' : 'quantization'}`, `no float16 or quantised tensor in a version 1 container ('${name}'; they need version 2)`, dtype === 'float16' ? dtype : entry.quantization);
    }
    if (!Array.isArray(shape) || shape.length > maxRank || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw invalid(`${field}.shape`, `a list of at most ${maxRank} non-negative integers`, shape ?? null);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw invalid(`${field}.offsets`, '[begin, end], two non-negative integers', offsets ?? null);
    }
    const [begin, stop] = offsets as [number, number];
    if (begin !== end) {
      throw invalid(`${field}.offsets`, `ranges back to back: '${name}' must begin at byte ${end}${index === 0 ? '' : ', where the previous tensor ends'}`, offsets);
    }
    if (stop > maxBytes) throw invalid(`${field}.offsets`, `a range ending within the maxBytes limit (${maxBytes})`, offsets);
    // Multiply with a cap, so a shape such as [1e9, 1e9, 1e9] never becomes a float past 2^53.
    const bytesPer = CONTAINER_DTYPES[dtype as ContainerDtype];
    let byteLength: number = bytesPer;
    for (const d of shape as number[]) byteLength = Math.min(byteLength * d, Number.MAX_SAFE_INTEGER);
    if (stop - begin !== byteLength) {
      const product = byteLength === Number.MAX_SAFE_INTEGER ? 'more than 2^53' : String(byteLength);
      throw invalid(`${field}.offsets`, `a range of ${product} bytes for '${name}' (shape [${(shape as number[]).join(', ')}] of ${dtype}, ${bytesPer} bytes each)`, offsets);
    }
    tensors.push({ name, dtype: dtype as ContainerDtype, shape: [...(shape as number[])], offsets: [begin, stop] });
    end = stop;
  }
  checkQuantization(
    tensors.map((t, i) => ({ ...t, quantization: (list[i] as Record<string, unknown>).quantization })),
    invalid,
  ).forEach((quantization, i) => {
    if (quantization !== undefined) tensors[i]!.quantization = quantization;
  });
  return { format: 'loom-container', version: version as 1 | 2, sha256: checksum as string | null, metadata: value.metadata ?? null, tensors };
}

/**
 * The payload size a checked header describes (where its last tensor ends).
 *
 * @example
 * const payload = await readFileBounded(weightsPath, { maxBytes: containerPayloadLength(header) });
 */
export function containerPayloadLength(header: ContainerHeader): number {
  return header.tensors.length === 0 ? 0 : header.tensors[header.tensors.length - 1]!.offsets[1];
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/**
 * Joins a checked header and its payload into a `Container`: the payload must be exactly as
 * long as the header's tensors, and (unless `verifyChecksum: false`) hash to its SHA-256.
 *
 * @example
 * const container = openContainer(header, await readFileBounded(weightsPath, { maxBytes: containerPayloadLength(header) }));
 */
export function openContainer(header: ContainerHeader, payload: Uint8Array, options: DecodeContainerOptions = {}): Container {
  const what = options.what ?? 'container';
  const expected = containerPayloadLength(header);
  if (payload.byteLength !== expected) {
    throw new InvalidFileError(
      `The ${what} payload has ${payload.byteLength} bytes; its header's tensors take ${expected}. ${payload.byteLength < expected ? 'The file is truncated.' : 'Extra bytes follow the last tensor.'}`,
    );
  }
  if (header.sha256 === null && options.allowMissingChecksum !== true) {
    throw new InvalidFileError(`The ${what} header has no sha256 of its payload.`);
  }
  if ((options.verifyChecksum ?? true) && header.sha256 !== null) checkDigest(sha256Hex(payload), header.sha256, what);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const info = (tensor: ContainerTensorInfo | string): ContainerTensorInfo => {
    const found = typeof tensor === 'string' ? byName.get(tensor) : tensor;
    if (found === undefined) throw new InvalidFileError(`The ${what} has no tensor named ${describeValue(tensor)}.`);
    return found;
  };
  const read = (tensor: ContainerTensorInfo | string): ContainerArray => {
    const found = info(tensor);
    const copy = payload.slice(found.offsets[0], found.offsets[1]);
    const bytesPer = CONTAINER_DTYPES[found.dtype];
    if (!LITTLE_ENDIAN && bytesPer > 1) swapBytes(copy, bytesPer);
    return new ARRAY_TYPES[found.dtype](copy.buffer, 0, copy.byteLength / bytesPer);
  };
  // Scales are few (one per channel): check them now, so a dequantised weight is always finite.
  for (const tensor of header.tensors) {
    if (tensor.quantization === undefined) continue;
    const scales = read(tensor.quantization.scales);
    const bad = scales.findIndex((v) => !(Number.isFinite(v) && v >= 0));
    if (bad >= 0) {
      throw new InvalidFileError(`Invalid value for the scales of '${tensor.name}' in the ${what}. Expected finite, non-negative numbers in '${tensor.quantization.scales}'. Received: ${scales[bad]} at index ${bad}.`);
    }
  }
  const container: Container = {
    ...header,
    payload,
    get: (name) => byName.get(name),
    read,
    readFloat32: (tensor) => {
      const found = info(tensor);
      if (found.dtype === 'float32') return read(found) as Float32Array;
      if (found.dtype === 'float16') return float16ToFloat32(read(found));
      if (found.dtype === 'int8' && found.quantization !== undefined) {
        return dequantizeSymmetric(read(found), read(found.quantization.scales), found.shape, found.quantization.axis);
      }
      throw new InvalidFileError(`The ${what}'s tensor '${found.name}' is ${found.dtype}${found.dtype === 'int8' ? ' without quantisation scales' : ''}; readFloat32 reads float32, float16 and quantised int8 tensors.`);
    },
  };
  return container;
}

function checkDigest(actual: string, expected: string, what: string): void {
  if (actual !== expected) {
    throw new ChecksumError(`The ${what} payload's SHA-256 is ${actual}, but its header records ${expected}: the data was changed or damaged after it was written.`);
  }
}

/**
 * Checks a container's payload against its header's SHA-256 with WebCrypto where available
 * (several times faster than the synchronous check), for loaders that are async anyway:
 * `decodeContainer(bytes, { verifyChecksum: false })`, then this, then read tensors.
 *
 * @example
 * const container = decodeContainer(bytes, { verifyChecksum: false });
 * await verifyContainerChecksum(container);
 */
export async function verifyContainerChecksum(container: Container, what = 'container'): Promise<void> {
  if (container.sha256 === null) return;
  checkDigest(await sha256HexAsync(container.payload), container.sha256, what);
}

/**
 * Reads bytes written by `encodeContainer`, checking everything before allocating anything:
 * the size against `maxBytes`, the magic and version, the header length against
 * `maxHeaderBytes` and the bytes present, the header as bounded JSON (size, depth, UTF-8),
 * every tensor's dtype, shape and byte range (`checkContainerHeader`), the payload's length
 * and its SHA-256. Tensors are read (copied) only on `container.read(name)`. Every refusal is a
 * `FileRefusedError` (`InvalidFileError`, `ChecksumError`) naming the field and `what`.
 *
 * @example
 * const container = decodeContainer(bytes, { maxBytes: 2 ** 30, what: "model 'digits.loom'" });
 * container.metadata; // what encodeContainer was given
 * const weights = container.read('dense/kernel'); // Float32Array
 */
export function decodeContainer(bytes: Uint8Array, options: DecodeContainerOptions = {}): Container {
  const what = options.what ?? 'container';
  const maxBytes = positiveLimit(options.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes');
  const maxHeaderBytes = Math.min(positiveLimit(options.maxHeaderBytes, DEFAULT_MAX_HEADER_BYTES, 'maxHeaderBytes'), HARD_MAX_HEADER_BYTES);
  if (!(bytes instanceof Uint8Array)) throw new InvalidFileError(`The ${what} must be a Uint8Array. Received: ${describeValue(bytes)}.`);
  if (bytes.byteLength > maxBytes) throw new FileRefusedError(`The ${what} has ${bytes.byteLength} bytes, more than the limit of ${maxBytes} (raise maxBytes if you trust it).`);
  if (bytes.byteLength < PREFIX_BYTES || !isContainer(bytes)) {
    throw new InvalidFileError(`The ${what} is not a Loom container: it does not start with "LOOMSAFE" and a 16-byte prefix${bytes.byteLength < PREFIX_BYTES ? ` (it has only ${bytes.byteLength} bytes)` : ''}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) throw new InvalidFileError(`The ${what} is container version ${version}; this Loom reads versions ${READABLE_VERSIONS.join(' and ')}.`);
  const headerLength = view.getUint32(12, true);
  if (headerLength > maxHeaderBytes) {
    throw new FileRefusedError(`The ${what} declares a ${headerLength}-byte header, more than the limit of ${maxHeaderBytes} (raise maxHeaderBytes if you trust it).`);
  }
  if (PREFIX_BYTES + headerLength > bytes.byteLength) {
    throw new InvalidFileError(`The ${what} declares a ${headerLength}-byte header but has only ${bytes.byteLength - PREFIX_BYTES} bytes after its prefix: the file is truncated.`);
  }
  const json = parseJsonBounded(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength), {
    maxBytes: maxHeaderBytes,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    what: `${what} header`,
  });
  const header = checkContainerHeader(json, { ...options, maxBytes, what });
  if (header.version !== version) throw new InvalidFileError(`The ${what} prefix says container version ${version} but its header says ${header.version}. Was the file edited?`);
  return openContainer(header, bytes.subarray(PREFIX_BYTES + headerLength), options);
}
