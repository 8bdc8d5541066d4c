import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError, shapeMismatch } from '../errors.js';
import { initialize, withDerivedSeed, type InitializerConfig } from './initializers.js';
import { uniqueLayerName, uniqueVariableName } from './naming.js';
import { penalty, type RegularizerConfig } from './regularizers.js';
import { formatShape, type Shape } from './shape.js';
import { connectLayer, type SymbolicTensor } from '../functional/symbolic-tensor.js';
import { activeWeightSource } from '../serialization/weight-source.js';
import type { DecodeCache } from '../generation/decode-cache.js';

/** Options every layer accepts. */
export interface LayerArgs {
  /** Unique within a model; generated (`dense_1`) when omitted. */
  name?: string;
  /** Input shape without the batch dimension; lets a model create its weights up front. */
  inputShape?: number[];
  /** `false` freezes the layer's weights (they move to `nonTrainableWeights`). Default true. */
  trainable?: boolean;
  /**
   * One seed for everything random in the layer: each weight whose initializer has no seed of
   * its own gets a distinct seed derived from this one and the weight's name (so a
   * Transformer block's query, key, value, output and feed-forward kernels all differ, and
   * the same seed gives the same weights bit for bit), and the layer's dropout masks, if any,
   * are seeded from it too. An initializer given with its own `seed` keeps it. Default: the
   * next seeds of `setSeed`'s stream, or random when none is set.
   */
  seed?: number;
}

/** One weight of a layer: its saved path (`dense_1/kernel`) and the variable that holds it. */
export interface LayerWeight {
  path: string;
  variable: tf.Variable;
  trainable: boolean;
  regularizer?: RegularizerConfig;
}

/** Options of a layer's or model's `apply` beyond its inputs: training mode and the padding mask. */
export interface CallOptions {
  /** Training mode switches dropout on and makes batch normalisation use batch statistics. */
  training?: boolean;
  /**
   * A padding mask for sequence inputs, `[batch, time]` (true/1 = real step, false/0 =
   * padding), as `embedding({ maskZero: true })` makes. Models pass it between layers
   * themselves; layers that do not use it ignore it.
   */
  mask?: tf.Tensor | null;
}

/**
 * Base class of every layer. A layer creates its weights once, from the shape of its first
 * input (`build`), then `apply` runs the forward pass. Subclasses implement `createWeights`,
 * `computeOutputShape`, `call` and `getConfig`; see "Writing a layer" in the README.
 */
export abstract class Layer {
  /** The class name used to save and load the layer: `'Dense'`. */
  abstract readonly className: string;
  readonly name: string;
  readonly inputShape: number[] | undefined;
  readonly trainable: boolean;
  /** The layer's `seed` (see `LayerArgs.seed`), or undefined. */
  readonly seed: number | undefined;
  private readonly layerWeights: LayerWeight[] = [];
  private builtFor: Shape | null = null;

  protected constructor(args: LayerArgs, prefix: string) {
    this.name = args.name ?? uniqueLayerName(prefix);
    if (args.inputShape !== undefined && !(Array.isArray(args.inputShape) && args.inputShape.every((d) => Number.isInteger(d) && d > 0))) {
      throw invalidValue('inputShape', this.describe(), 'an array of positive integers without the batch dimension, e.g. [784]', args.inputShape);
    }
    this.inputShape = args.inputShape;
    this.trainable = args.trainable ?? true;
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw invalidValue('seed', this.describe(), 'an integer', args.seed);
    this.seed = args.seed;
  }

  /** The seed this layer's unseeded initializers derive theirs from (Bidirectional also looks at its inner layer's). */
  protected weightSeed(): number | undefined {
    return this.seed;
  }

  /** "Dense 'dense_1'", for error messages. */
  describe(): string {
    return `${this.className ?? this.constructor.name} '${this.name}'`;
  }

  /** Whether the weights exist yet (they are created on the first call, or by `build`). */
  get built(): boolean {
    return this.builtFor !== null;
  }

  /** Creates the weights for inputs of `inputShape` (batch dimension included, as `null`). */
  build(inputShape: Shape): void {
    if (this.builtFor !== null) return;
    this.createWeights(inputShape);
    this.builtFor = [...inputShape];
  }

  /** The shape of the output for an input of `inputShape` (batch included); validates the input. */
  abstract computeOutputShape(inputShape: Shape): Shape;

  /** Subclasses add their weights here with `addWeight`. */
  protected createWeights(_inputShape: Shape): void {}

  /**
   * Whether the layer passes a padding mask through unchanged (layers that treat each step on
   * its own: Dense, Dropout, normalisation, attention). Layers that do not drop the mask.
   */
  protected readonly supportsMasking: boolean = false;

  /**
   * The padding mask of this layer's output, given its input and the input's mask (as Keras'
   * `compute_mask`): `embedding({ maskZero: true })` makes one from the ids, recurrent layers
   * keep it only with `returnSequences`, pooling consumes it. Models call this to carry masks
   * from layer to layer.
   */
  computeMask(_inputs: tf.Tensor, mask: tf.Tensor | null): tf.Tensor | null {
    return this.supportsMasking ? mask : null;
  }

  /** The forward pass on a built layer. */
  protected abstract call(inputs: tf.Tensor, options: Required<CallOptions>): tf.Tensor;

  /**
   * Incremental decoding, for `generate`'s cache: runs the layer on the newest steps of a
   * growing sequence, `inputs` `[batch, newSteps, ...]` starting at step `cache.position`, with
   * whatever the layer stored in `cache` for the earlier steps (an attention layer's keys and
   * values). Inference only. Returns null when the layer cannot (it mixes steps and keeps no
   * cache, e.g. an LSTM or a non-causal attention), and `generate` then recomputes every step.
   * Layers that treat each step on its own return `this.call(inputs, { training: false, mask: null })`.
   */
  callWithCache(_inputs: tf.Tensor, _cache: DecodeCache): tf.Tensor | null {
    return null;
  }

  /**
   * For layers that use another layer of their model (`TiedLogits` reads an embedding's
   * table): resolves the layer's reference by name when a saved model is re-created, and checks
   * that the layer belongs to the model. Models call it with their layers before building.
   */
  linkLayers(_find: (name: string) => Layer | undefined, _where: string): void {}

  /** The layer's own options, JSON-safe, enough to re-create it (weights excluded). */
  abstract getConfig(): Record<string, unknown>;

  /** Options every layer shares, for subclasses' `getConfig`. */
  protected baseConfig(): Record<string, unknown> {
    return {
      name: this.name,
      ...(this.inputShape ? { inputShape: this.inputShape } : {}),
      ...(this.trainable ? {} : { trainable: false }),
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }

  /**
   * Runs the layer, building it first if needed.
   *
   * @example
   * const layer = dense({ units: 2 });
   * const y = layer.apply(tf.ones([4, 3])); // shape [4, 2]
   */
  apply(inputs: tf.Tensor | tf.Tensor[], options: CallOptions = {}): tf.Tensor {
    if (Array.isArray(inputs)) {
      if (inputs.length !== 1) throw new LayersError(`${this.describe()} takes one input tensor, received ${inputs.length}.`);
      inputs = inputs[0]!;
    }
    const shape: Shape = [null, ...inputs.shape.slice(1)];
    if (this.builtFor === null) {
      this.computeOutputShape(shape);
      this.build(shape);
    } else {
      this.checkCompatible(shape);
    }
    // Layer-specific call options (an attention mask) reach `call` alongside `training` and `mask`.
    return this.call(inputs, { ...options, training: options.training ?? false, mask: options.mask ?? null });
  }

  /**
   * Calls the layer on symbolic tensors (from `input()` or another layer's `connect`) to build
   * a functional graph: checks the shapes, creates the weights on first use and returns the
   * symbolic output. Connecting one layer twice shares its weights. Multi-input layers
   * (merges) take a list.
   *
   * @example
   * const x = input({ shape: [4] });
   * const y = dense({ units: 8, activation: 'relu' }).connect(x); // y.shape: [null, 8]
   */
  connect(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    return connectLayer(this, inputs);
  }

  /**
   * The output shape of one call on inputs of `inputShapes` (one per input tensor, batch as
   * `null`), building the weights on the first call. Single-input layers take exactly one
   * shape; multi-input layers override this.
   */
  buildForInputs(inputShapes: Shape[]): Shape {
    if (inputShapes.length !== 1) throw new LayersError(`${this.describe()} takes one input tensor, received ${inputShapes.length}.`);
    const shape = inputShapes[0]!;
    if (this.builtFor !== null) this.checkCompatible(shape);
    const output = this.computeOutputShape(shape);
    this.build(shape);
    return output;
  }

  private checkCompatible(shape: Shape): void {
    const built = this.builtFor!;
    const compatible = built.length === shape.length && built.every((d, i) => d === null || d === shape[i]);
    if (!compatible) throw shapeMismatch(this.describe(), `input of shape ${formatShape(built)}`, shape);
  }

  /**
   * Adds a weight `${layer}/${name}` initialised by `initializer` (or by `initialValue`, e.g.
   * an LSTM's forget-gate bias of ones). Call from `createWeights`. While a saved model loads,
   * the value comes from the file instead.
   */
  protected addWeight(
    name: string,
    shape: number[],
    initializer: InitializerConfig,
    options: { trainable?: boolean; regularizer?: RegularizerConfig; initialValue?: (shape: number[]) => tf.Tensor } = {},
  ): tf.Variable {
    const path = `${this.name}/${name}`;
    const trainable = (options.trainable ?? true) && this.trainable;
    const source = activeWeightSource();
    const layerSeed = this.weightSeed();
    const seeded = layerSeed === undefined ? initializer : withDerivedSeed(initializer, layerSeed, name);
    const initial = source !== null ? source.take(path, shape, this.describe()) : options.initialValue ? options.initialValue(shape) : initialize(seeded, shape, this.describe());
    const variable = tf.variable(initial, trainable, uniqueVariableName(path));
    initial.dispose();
    source?.created(variable);
    this.layerWeights.push({ path, variable, trainable, ...(options.regularizer ? { regularizer: options.regularizer } : {}) });
    return variable;
  }

  /** Every weight in creation order, with the path it is saved under. */
  get weights(): readonly LayerWeight[] {
    return this.layerWeights;
  }

  /** The variables an optimizer updates (none when `trainable` is false). */
  get trainableWeights(): tf.Variable[] {
    return this.layerWeights.filter((w) => w.trainable).map((w) => w.variable);
  }

  /** The variables training leaves alone: frozen weights and statistics such as batch normalisation's moving mean. */
  get nonTrainableWeights(): tf.Variable[] {
    return this.layerWeights.filter((w) => !w.trainable).map((w) => w.variable);
  }

  /** Number of scalars in the layer's weights. */
  countParams(): number {
    return this.layerWeights.reduce((sum, w) => sum + w.variable.size, 0);
  }

  /** Sum of the weights' L1/L2 penalties, or null when the layer has none. */
  regularizationLoss(): tf.Scalar | null {
    const penalised = this.layerWeights.filter((w) => w.regularizer !== undefined && w.trainable);
    if (penalised.length === 0) return null;
    return tf.tidy(() => tf.addN(penalised.map((w) => penalty(w.regularizer!, w.variable))) as tf.Scalar);
  }

  /** Frees the layer's weights. */
  dispose(): void {
    for (const w of this.layerWeights) w.variable.dispose();
    this.layerWeights.length = 0;
    this.builtFor = null;
  }
}
