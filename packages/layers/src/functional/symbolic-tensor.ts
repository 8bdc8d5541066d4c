import { invalidValue } from '../errors.js';
import type { Layer } from '../core/layer.js';
import { uniqueLayerName } from '../core/naming.js';
import type { Shape } from '../core/shape.js';

/** The dtypes a model input can declare. */
export type InputDtype = 'float32' | 'int32';

/**
 * A placeholder in a functional graph: its shape (batch as `null`), dtype and where it comes
 * from. Either a model input (`input()`, no source layer) or the output of one call of a layer
 * on other symbolic tensors (`layer.connect(...)`). Holds no data and no tf memory.
 */
export class SymbolicTensor {
  /** The input's name, or the name of the layer that produced the tensor. */
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: InputDtype;
  /** The layer whose call produced this tensor; `null` for a model input. */
  readonly sourceLayer: Layer | null;
  /** The tensors the source layer was called on (empty for a model input). */
  readonly inbound: readonly SymbolicTensor[];

  /** @internal Use `input()` or `layer.connect()`. */
  constructor(name: string, shape: Shape, dtype: InputDtype, sourceLayer: Layer | null, inbound: readonly SymbolicTensor[]) {
    this.name = name;
    this.shape = shape;
    this.dtype = dtype;
    this.sourceLayer = sourceLayer;
    this.inbound = inbound;
  }

  /** True for a model input made by `input()`. */
  get isInput(): boolean {
    return this.sourceLayer === null;
  }
}

/** Options of `input`. */
export interface InputOptions {
  /** Shape of one sample, without the batch dimension: `[784]`, `[28, 28, 1]`, `[1]` for one id. */
  shape: number[];
  /** Unique within a model; generated (`input_1`) when omitted. */
  name?: string;
  /** `'int32'` for ids (embedding lookups); float inputs are cast to it. Default `'float32'`. */
  dtype?: InputDtype;
}

/**
 * A model input for the functional API: a symbolic tensor that layers are connected to.
 *
 * @example
 * const user = input({ shape: [1], name: 'user', dtype: 'int32' });
 * const features = input({ shape: [16], name: 'features' });
 */
export function input(options: InputOptions): SymbolicTensor {
  const where = `input '${options?.name ?? 'input'}'`;
  if (options === null || typeof options !== 'object') throw invalidValue('options', 'input()', '{ shape, name?, dtype? }', options);
  const { shape, name, dtype = 'float32' } = options;
  if (!(Array.isArray(shape) && shape.length > 0 && shape.every((d) => Number.isInteger(d) && d > 0))) {
    throw invalidValue('shape', where, 'a non-empty array of positive integers without the batch dimension, e.g. [784]', shape);
  }
  if (name !== undefined && !(typeof name === 'string' && name.length > 0)) throw invalidValue('name', where, 'a non-empty string', name);
  if (dtype !== 'float32' && dtype !== 'int32') throw invalidValue('dtype', where, "'float32' or 'int32'", dtype);
  return new SymbolicTensor(name ?? uniqueLayerName('input'), [null, ...shape], dtype, null, []);
}

/** What `Layer.connect` does: validates the inputs, builds the layer, records the call. */
export function connectLayer(layer: Layer, inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length === 0 || !list.every((t) => t instanceof SymbolicTensor)) {
    throw invalidValue('inputs', `${layer.describe()}.connect`, 'a symbolic tensor (from input() or another layer\'s connect) or a list of them; to compute on data call apply(tensor)', list.map(describeArgument));
  }
  const outputShape = layer.buildForInputs(list.map((t) => t.shape));
  return new SymbolicTensor(layer.name, outputShape, 'float32', layer, list);
}

/** A short description of anything passed where a symbolic tensor was expected. */
export function describeArgument(value: unknown): string {
  if (value instanceof SymbolicTensor) return `symbolic tensor '${value.name}'`;
  if (value === null || typeof value !== 'object') return String(value);
  return `a ${value.constructor?.name ?? 'object'}`;
}
