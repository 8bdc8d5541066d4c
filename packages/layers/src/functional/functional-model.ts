import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError, shapeMismatch } from '../errors.js';
import type { CallOptions, Layer } from '../core/layer.js';
import { uniqueLayerName } from '../core/naming.js';
import { formatShape, type Shape } from '../core/shape.js';
import type { Model, ModelConfig } from '../model/model.js';
import { LayeredModel } from '../model/layered-model.js';
import { formatSummary, type SummaryRow } from '../model/summary.js';
import { buildGraph, type FunctionalGraph, type TensorReference } from './graph.js';
import type { InputDtype, SymbolicTensor } from './symbolic-tensor.js';

/** Options of `model`. */
export interface FunctionalModelOptions {
  /** The model's inputs (from `input()`), in the order `apply` takes tensors. */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The tensors the model returns, in order. */
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

/** How a functional model's config stores its graph (see `getConfig`). */
export interface FunctionalGraphConfig {
  inputs: { name: string; shape: number[]; dtype: InputDtype }[];
  /** One entry per call, in dependency order: the layer's name and the tensors it read. */
  nodes: { layer: string; inbound: TensorReference[] }[];
  outputs: TensorReference[];
}

/**
 * A model defined by a graph of layer calls: one or several inputs, one or several outputs,
 * shared layers (one layer connected twice uses the same weights), merge layers. Built by
 * `model({ inputs, outputs })` from symbolic tensors.
 */
export class FunctionalModel extends LayeredModel implements Model {
  readonly className = 'Functional';
  readonly name: string;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Each distinct layer once, in the order of its first call. */
  readonly layers: readonly Layer[];
  readonly inputShapes: number[][];
  readonly outputShapes: Shape[];
  private readonly graph: FunctionalGraph;

  constructor(options: FunctionalModelOptions) {
    super();
    this.name = options?.name ?? uniqueLayerName('model');
    const where = `Functional '${this.name}'`;
    if (options === null || typeof options !== 'object') throw invalidValue('options', 'model()', '{ inputs, outputs, name? }', options);
    const { inputs, outputs, graph } = buildGraph(options.inputs, options.outputs, where);
    this.inputs = inputs;
    this.outputs = outputs;
    this.graph = graph;
    this.layers = graph.layers;
    const byName = new Map(graph.layers.map((layer) => [layer.name, layer]));
    for (const layer of graph.layers) layer.linkLayers((name) => byName.get(name), where);
    this.inputShapes = inputs.map((t) => t.shape.slice(1) as number[]);
    this.outputShapes = outputs.map((t) => [...t.shape]);
  }

  /** Input shape without the batch dimension, for a model with one input (else see `inputShapes`). */
  get inputShape(): number[] {
    if (this.inputs.length !== 1) throw new LayersError(`Functional '${this.name}' has ${this.inputs.length} inputs; read inputShapes instead of inputShape.`);
    return this.inputShapes[0]!;
  }

  /** Output shape (batch as null), for a model with one output (else see `outputShapes`). */
  get outputShape(): Shape {
    if (this.outputs.length !== 1) throw new LayersError(`Functional '${this.name}' has ${this.outputs.length} outputs; read outputShapes instead of outputShape.`);
    return this.outputShapes[0]!;
  }

  /**
   * Runs the graph: one tensor per input, in `inputs` order (a single tensor for a one-input
   * model). Returns one tensor, or a list for a model with several outputs. Inputs whose dtype
   * differs from the declared one (float ids for an int32 input) are cast.
   *
   * @example
   * const scores = twoTower.apply([userIds, itemIds]) as tf.Tensor; // [batch, 1]
   */
  apply(inputs: tf.Tensor | tf.Tensor[], options: CallOptions = {}): tf.Tensor | tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const names = this.inputs.map((t) => `'${t.name}'`).join(', ');
    if (list.length !== this.inputs.length) {
      throw new LayersError(`Functional '${this.name}' takes ${this.inputs.length} input tensor(s) (${names}), received ${list.length}.`);
    }
    list.forEach((x, i) => {
      const expected = this.inputs[i]!;
      if (!(x instanceof tf.Tensor)) throw invalidValue(`inputs[${i}]`, `Functional '${this.name}'`, `a tensor for input '${expected.name}'`, typeof x);
      if (x.rank !== expected.shape.length || expected.shape.some((d, k) => d !== null && x.shape[k] !== d)) {
        throw shapeMismatch(`Functional '${this.name}' input '${expected.name}'`, `input of shape ${formatShape(expected.shape)}`, x.shape);
      }
    });
    return tf.tidy(() => {
      const values = new Map<SymbolicTensor, tf.Tensor>();
      this.inputs.forEach((symbolic, i) => {
        const x = list[i]!;
        values.set(symbolic, x.dtype === symbolic.dtype ? x : tf.cast(x, symbolic.dtype));
      });
      // Padding masks travel with the tensors (Keras' masking): a single-input layer gets its
      // input's mask and says what its output's is; merges drop them.
      const masks = new Map<SymbolicTensor, tf.Tensor | null>();
      for (const node of this.graph.nodes) {
        const args = node.inbound.map((t) => values.get(t)!);
        const mask = args.length === 1 ? (masks.get(node.inbound[0]!) ?? null) : null;
        if (args.length === 1) masks.set(node.tensor, node.layer.computeMask(args[0]!, mask));
        values.set(node.tensor, node.layer.apply(args.length === 1 ? args[0]! : args, { ...options, mask }));
      }
      const results = this.outputs.map((t) => values.get(t)!);
      return results.length === 1 ? results[0]! : results;
    });
  }

  /**
   * A table of the inputs and layers: output shape, parameter count (a shared layer's once),
   * and the tensors each layer is connected to (`name[call]`, calls separated by `;`).
   *
   * @example
   * console.log(twoTower.summary());
   */
  summary(): string {
    const label = (tensor: SymbolicTensor) => {
      const [name, node] = this.graph.reference(tensor);
      return `${name}[${node}]`;
    };
    const rows: SummaryRow[] = this.inputs.map((t) => ({ name: t.name, className: 'InputLayer', outputShape: t.shape, params: 0, connectedTo: '' }));
    for (const layer of this.layers) {
      const calls = this.graph.nodes.filter((n) => n.layer === layer);
      rows.push({
        name: layer.name,
        className: layer.className,
        // Every call of a layer has the same input shape (connect checks it), so the same output.
        outputShape: calls[0]!.tensor.shape,
        params: layer.countParams(),
        connectedTo: calls.map((n) => n.inbound.map(label).join(', ')).join('; '),
      });
    }
    return formatSummary(this, rows);
  }

  /**
   * The graph as JSON: the inputs, each distinct layer's config once, the calls in dependency
   * order with the tensors they read (`[layerOrInputName, callIndex]`), and the outputs.
   */
  getConfig(): ModelConfig & FunctionalGraphConfig {
    return {
      className: this.className,
      name: this.name,
      inputs: this.inputs.map((t) => ({ name: t.name, shape: t.shape.slice(1) as number[], dtype: t.dtype })),
      layers: this.layers.map((layer) => ({ className: layer.className, config: layer.getConfig() })),
      nodes: this.graph.nodes.map((n) => ({ layer: n.layer.name, inbound: n.inbound.map((t) => this.graph.reference(t)) })),
      outputs: this.outputs.map((t) => this.graph.reference(t)),
    };
  }

}

/**
 * Builds a functional model from symbolic tensors: `inputs` from `input()`, `outputs` from
 * connecting layers to them.
 *
 * @example
 * const user = input({ shape: [1], name: 'user', dtype: 'int32' });
 * const item = input({ shape: [1], name: 'item', dtype: 'int32' });
 * const u = flatten().connect(embedding({ inputDim: 100, outputDim: 8 }).connect(user));
 * const v = flatten().connect(embedding({ inputDim: 500, outputDim: 8 }).connect(item));
 * const twoTower = model({ inputs: [user, item], outputs: dot({ axes: 1, normalize: true }).connect([u, v]) });
 */
export function model(options: FunctionalModelOptions): FunctionalModel {
  return new FunctionalModel(options);
}
