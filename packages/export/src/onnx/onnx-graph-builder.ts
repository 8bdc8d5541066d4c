import { ONNX_FLOAT, ONNX_INT32, ONNX_INT64 } from './onnx-schema.js';

/** One ONNX attribute, as protobufjs takes it. */
export type OnnxAttribute = { name: string; type: number; f?: number; i?: number; s?: Uint8Array; ints?: number[]; floats?: number[]; strings?: Uint8Array[] };
type AttributeValue = { kind: 'int'; value: number } | { kind: 'float'; value: number } | { kind: 'ints'; value: number[] } | { kind: 'floats'; value: number[] } | { kind: 'string'; value: string } | { kind: 'strings'; value: string[] };

export const int = (value: number): AttributeValue => ({ kind: 'int', value });
export const float = (value: number): AttributeValue => ({ kind: 'float', value });
export const ints = (value: number[]): AttributeValue => ({ kind: 'ints', value });
export const floats = (value: number[]): AttributeValue => ({ kind: 'floats', value });
export const string = (value: string): AttributeValue => ({ kind: 'string', value });
export const strings = (value: string[]): AttributeValue => ({ kind: 'strings', value });

const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;
const utf8 = new TextEncoder();

function attribute(name: string, value: AttributeValue): OnnxAttribute {
  const type = ATTRIBUTE_TYPES[value.kind];
  switch (value.kind) {
    case 'int':
      return { name, type, i: value.value };
    case 'float':
      return { name, type, f: value.value };
    case 'ints':
      return { name, type, ints: value.value };
    case 'floats':
      return { name, type, floats: value.value };
    case 'string':
      return { name, type, s: utf8.encode(value.value) };
    case 'strings':
      return { name, type, strings: value.value.map((s) => utf8.encode(s)) };
  }
}

export interface OnnxNode {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** The largest int64 Slice accepts as "to the start" when stepping backwards. */
export const INT64_MIN = -(2n ** 63n);

/**
 * Collects nodes and initializers under unique names. Value names are derived from the layer
 * that makes them (`dense_1/MatMul`), so a graph viewer shows where each op comes from.
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  /** Reserves `base`, or `base_1`, `base_2`, ... if taken. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /** A float32 initializer. */
  float(base: string, values: Float32Array | number[], dims: number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.tensor(base, dims, ONNX_FLOAT, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
  }

  /** A float32 scalar initializer (for broadcasting). */
  scalar(base: string, value: number): string {
    return this.float(base, [value], []);
  }

  /** A 1-D int64 initializer (shapes, axes, Slice bounds). */
  int64(base: string, values: (number | bigint)[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.tensor(base, [values.length], ONNX_INT64, new Uint8Array(data.buffer));
  }

  /** A 0-D int64 initializer (a Gather index that drops the axis). */
  int64Scalar(base: string, value: number): string {
    const data = BigInt64Array.of(BigInt(value));
    return this.tensor(base, [], ONNX_INT64, new Uint8Array(data.buffer));
  }

  int32(base: string, values: number[], dims: number[]): string {
    const data = Int32Array.from(values);
    return this.tensor(base, dims, ONNX_INT32, new Uint8Array(data.buffer));
  }

  private tensor(base: string, dims: number[], dataType: number, rawData: Uint8Array): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, dataType, rawData });
    return name;
  }

  /** Adds a node; returns its output names (`outputs` of them, or the names given). */
  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, base = opType, outputs: number | (string | null)[] = 1): string[] {
    const name = this.unique(base);
    const outputNames = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => this.unique(outputs === 1 ? name : `${name}:${k}`)) : outputs.map((o) => (o === null ? '' : this.unique(o)));
    this.nodes.push({ name, opType, input: inputs, output: outputNames, attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) });
    return outputNames;
  }

  /** `node` for the common one-output case. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, base = opType): string {
    return this.node(opType, inputs, attributes, base)[0]!;
  }
}
