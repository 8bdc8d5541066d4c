import { LayersError, invalidValue } from '../errors.js';

/**
 * One entry of a tfjs `weightSpecs` list / `weightsManifest[].weights`.
 *
 * @example
 * const spec: TfjsWeightSpec = { name: 'dense_1/kernel', shape: [784, 10], dtype: 'float32' };
 */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** Present on quantized weights: `{ dtype: 'uint8' | 'uint16' | 'float16', scale?, min? }`. */
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
  group?: string;
}

/** A weight's values, ready to assign. */
export interface WeightValue {
  name: string;
  shape: number[];
  values: Float32Array;
}

interface Entry {
  spec: TfjsWeightSpec;
  /** The name split on '/', without the ':0' TensorFlow adds. */
  segments: string[];
  byteOffset: number;
  byteLength: number;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1, bool: 1 };

/**
 * The bytes one weight spec takes in `weightData`, after checking its name, shape and dtype
 * (so a hostile manifest is refused before anything is read or allocated).
 *
 * @example
 * weightSpecByteLength({ name: 'dense/kernel', shape: [784, 10], dtype: 'float32' }, 'weightSpecs[0]', 'the tfjs model'); // 31360
 */
export function weightSpecByteLength(spec: unknown, field: string, where: string): number {
  const { name, shape, dtype, quantization } = (spec ?? {}) as Partial<TfjsWeightSpec>;
  if (typeof name !== 'string' || name.length === 0) throw invalidValue(`${field}.name`, where, 'a weight name', name ?? null);
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalidValue(`${field}.shape`, where, 'a list of at most 8 non-negative integers', shape ?? null);
  }
  const storedAs = quantization !== undefined && quantization !== null && typeof quantization === 'object' ? quantization.dtype : dtype;
  const bytesPer = typeof storedAs === 'string' && Object.hasOwn(BYTES, storedAs) ? BYTES[storedAs]! : undefined;
  if (bytesPer === undefined) throw invalidValue(`${field}.dtype`, `${where} (weight '${name}')`, "'float32' (or uint8/uint16 quantized)", storedAs ?? null);
  let bytes = bytesPer;
  for (const d of shape as number[]) {
    bytes *= d;
    if (bytes > Number.MAX_SAFE_INTEGER) throw invalidValue(`${field}.shape`, `${where} (weight '${name}')`, 'a shape of at most 2^53 bytes', shape);
  }
  return bytes;
}

/**
 * `weightData` as tfjs io handlers produce it (one buffer, or a list of shards) as one byte view.
 *
 * @example
 * concatWeightData([shard1, shard2]); // Uint8Array of both, in order
 */
export function concatWeightData(data: ArrayBuffer | ArrayBuffer[] | ArrayBufferView | undefined, maxBytes = Number.MAX_SAFE_INTEGER): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const size = ArrayBuffer.isView(data) || data instanceof ArrayBuffer ? data.byteLength : Array.isArray(data) ? data.reduce((sum, part) => sum + (part?.byteLength ?? 0), 0) : NaN;
  if (!(size <= maxBytes)) {
    throw new LayersError(`Invalid value for \`weightData\` in the tfjs model. Expected an ArrayBuffer, a list of them or a typed array of at most ${maxBytes} bytes (the maxBytes limit). Received: ${Number.isNaN(size) ? typeof data : `${size} bytes`}.`);
  }
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((sum, part) => sum + part.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of data) {
    bytes.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * The weights of a tfjs model: `weightSpecs` laid end to end in `weightData`, looked up by layer.
 * Values are decoded (and checked) only when a layer asks for them, so an error names the layer.
 *
 * @example
 * const store = new TfjsWeightStore(artifacts.weightSpecs, concatWeightData(artifacts.weightData));
 * const kernel = store.forLayer('dense_1', "Dense 'dense_1'").take('kernel');
 */
export class TfjsWeightStore {
  private readonly entries: Entry[] = [];
  private readonly used = new Set<Entry>();

  constructor(
    specs: TfjsWeightSpec[],
    private readonly data: Uint8Array,
    private readonly allowNonFinite = false,
  ) {
    if (!Array.isArray(specs)) throw invalidValue('weightSpecs', 'the tfjs model', 'a list of weight specs', specs);
    let offset = 0;
    for (const [index, spec] of specs.entries()) {
      const byteLength = weightSpecByteLength(spec, `weightSpecs[${index}]`, 'the tfjs model');
      this.entries.push({ spec, segments: spec.name.replace(/:\d+$/, '').split('/'), byteOffset: offset, byteLength });
      offset += byteLength;
    }
    if (offset !== data.byteLength) {
      throw new LayersError(`Invalid value for \`weightData\` in the tfjs model. Expected ${offset} bytes (the sum of the weightSpecs' sizes). Received: ${data.byteLength} bytes.`);
    }
  }

  /** The weights stored under `layerName/`, for one layer. */
  forLayer(layerName: string, where: string): LayerWeightSource {
    const direct = this.entries.filter((e) => e.segments[0] === layerName && e.segments.length > 1);
    // Some Keras exports prefix weight names with the model's name ('sequential/dense/kernel').
    const nested = direct.length > 0 ? direct : this.entries.filter((e) => e.segments.slice(1, -1).includes(layerName));
    return new LayerWeightSource(
      nested,
      where,
      (entry) => this.decode(entry, where),
      (entry) => this.used.add(entry),
    );
  }

  /** How many values the specs declare in all. */
  parameterCount(): number {
    return this.entries.reduce((sum, e) => sum + e.spec.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Names of weights no layer claimed (a manifest that does not match the topology). */
  unused(): string[] {
    return this.entries.filter((e) => !this.used.has(e)).map((e) => e.spec.name);
  }

  private decode(entry: Entry, where: string): WeightValue {
    const value = this.decodeValues(entry, where);
    if (!this.allowNonFinite && !value.values.every(Number.isFinite)) {
      throw new LayersError(`The tfjs model has NaN or infinite values in weight '${entry.spec.name}' of ${where}; refused (pass allowNonFinite: true to import it anyway).`);
    }
    return value;
  }

  private decodeValues(entry: Entry, where: string): WeightValue {
    const { spec } = entry;
    const bytes = this.data.slice(entry.byteOffset, entry.byteOffset + entry.byteLength);
    const quantization = spec.quantization;
    if (quantization === undefined) {
      if (spec.dtype !== 'float32') throw invalidValue(`dtype\` of weight \`${spec.name}`, where, "'float32'", spec.dtype);
      return { name: spec.name, shape: [...spec.shape], values: new Float32Array(bytes.buffer) };
    }
    // Affine quantization (tfjs-converter --quantize_uint8/uint16): value = q * scale + min.
    if ((quantization.dtype === 'uint8' || quantization.dtype === 'uint16') && typeof quantization.scale === 'number' && typeof quantization.min === 'number') {
      const quantized = quantization.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer);
      const values = Float32Array.from(quantized, (q) => q * quantization.scale! + quantization.min!);
      return { name: spec.name, shape: [...spec.shape], values };
    }
    throw invalidValue(`quantization\` of weight \`${spec.name}`, where, 'none, or uint8/uint16 with scale and min', quantization);
  }
}

/**
 * The weights of one layer; `take` finds one by its last name segment ('kernel').
 *
 * @example
 * const backwardKernel = source.take('kernel', 'backward'); // 'bi/backward_lstm/kernel'
 */
export class LayerWeightSource {
  private readonly taken = new Set<Entry>();

  constructor(
    private readonly entries: Entry[],
    private readonly where: string,
    private readonly decode: (entry: Entry) => WeightValue,
    private readonly markUsed: (entry: Entry) => void,
  ) {}

  /**
   * The weight whose name ends in `key`; `direction` picks a Bidirectional half by its
   * `forward_…`/`backward_…` segment. Undefined when there is none.
   */
  take(key: string, direction?: 'forward' | 'backward'): WeightValue | undefined {
    const entry = this.entries.find(
      (e) => e.segments[e.segments.length - 1] === key && (direction === undefined || e.segments.slice(1, -1).some((s) => s.startsWith(`${direction}_`) || s === direction)),
    );
    if (entry === undefined) return undefined;
    this.taken.add(entry);
    this.markUsed(entry);
    return this.decode(entry);
  }

  /** Every weight of the layer must have found a place in the Loom layer. */
  checkAllTaken(): void {
    const left = this.entries.filter((e) => !this.taken.has(e));
    if (left.length > 0) {
      throw new LayersError(`Invalid value for \`weights\` in ${this.where}. Expected only the weights Loom's layer has. Received: ${left.map((e) => `'${e.spec.name}'`).join(', ')} as well.`);
    }
  }
}
