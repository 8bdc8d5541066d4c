import { invalidValue, type LayersError } from '../errors.js';
import type { ActivationName } from '../core/activations.js';
import type { RegularizerConfig } from '../core/regularizers.js';

/** tfjs/Keras activation names (after snake_case → camelCase) that compute exactly what Loom's do. */
const ACTIVATIONS: Record<string, ActivationName> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  softplus: 'softplus',
  swish: 'swish',
  silu: 'swish',
  // Loom's gelu is the tanh approximation, which tfjs calls gelu_new; tfjs' 'gelu' uses erf.
  geluNew: 'gelu',
};

/** 'hard_sigmoid' → 'hardSigmoid': tfjs writes snake_case, Keras too, older tfjs camelCase. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Reads one layer's Keras-format config (`{ units: 3, use_bias: true, ... }`) and turns every
 * field Loom cannot honour into a LayersError naming the layer, its class and the field.
 *
 * @example
 * const reader = new LayerConfigReader('Conv2D', 'conv2d_1', { data_format: 'channels_first' });
 * reader.channelsLast(); // throws "Invalid value for `data_format` in Conv2D 'conv2d_1'. ..."
 */
export class LayerConfigReader {
  readonly where: string;

  constructor(
    readonly className: string,
    readonly name: string,
    private readonly config: Record<string, unknown>,
  ) {
    this.where = `${className} '${name}'`;
  }

  fail(field: string, expected: string, received: unknown): LayersError {
    return invalidValue(field, this.where, expected, received);
  }

  raw(field: string): unknown {
    return this.config[field];
  }

  has(field: string): boolean {
    return this.config[field] !== undefined && this.config[field] !== null;
  }

  positiveInteger(field: string, fallback?: number): number {
    const value = this.has(field) ? this.config[field] : fallback;
    if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) throw this.fail(field, 'a positive integer', value ?? null);
    return value;
  }

  number(field: string, fallback: number): number {
    const value = this.has(field) ? this.config[field] : fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.fail(field, 'a number', value);
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.has(field) ? this.config[field] : fallback;
    if (typeof value !== 'boolean') throw this.fail(field, 'true or false', value);
    return value;
  }

  /** `[3, 3]`, `[3]` or `3` → `length` positive integers. */
  integers(field: string, length: number, fallback?: number | number[]): number[] {
    const value = this.has(field) ? this.config[field] : fallback;
    const list = typeof value === 'number' ? Array(length).fill(value) : value;
    if (!(Array.isArray(list) && list.length === length && list.every((v) => Number.isInteger(v) && v > 0))) {
      throw this.fail(field, `${length === 1 ? 'a positive integer' : `${length} positive integers`}`, value ?? null);
    }
    return list as number[];
  }

  /** The field must be one of `allowed` (a missing field counts as `fallback`). */
  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const value = this.has(field) ? this.config[field] : fallback;
    if (!allowed.includes(value as T)) throw this.fail(field, allowed.map((a) => `'${a}'`).join(' or '), value);
    return value as T;
  }

  /** For options Loom has no counterpart of: fine when absent, null, false, 0 or `neutral`. */
  unsupported(field: string, expected: string, neutral: unknown[] = []): void {
    const value = this.config[field];
    if (value === undefined || value === null || value === false || value === 0 || neutral.includes(value)) return;
    throw this.fail(field, expected, value);
  }

  /** `data_format` must be channels-last, the only layout Loom's layers use. */
  channelsLast(): void {
    this.oneOf('data_format', ['channels_last'], 'channels_last');
  }

  activation(field: string, fallback: string): ActivationName {
    const value = this.has(field) ? this.config[field] : fallback;
    const loom = typeof value === 'string' ? ACTIVATIONS[camel(value)] : undefined;
    if (loom === undefined) {
      throw this.fail(field, `one of ${Object.keys(ACTIVATIONS).map((n) => `'${n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}'`).join(', ')} (the activations Loom computes identically)`, value);
    }
    return loom;
  }

  /** Keras `L1L2`/`L1`/`L2` regularizers become Loom's `{ l1, l2 }`; null stays undefined. */
  regularizer(field: string, supported = true): RegularizerConfig | undefined {
    const value = this.config[field];
    if (value === undefined || value === null) return undefined;
    const spec = value as { class_name?: unknown; config?: Record<string, unknown> };
    const kind = typeof spec.class_name === 'string' ? spec.class_name.toUpperCase() : '';
    if (!supported || !['L1L2', 'L1', 'L2'].includes(kind)) {
      throw this.fail(field, supported ? 'null or an L1L2, L1 or L2 regularizer' : `null (Loom's ${this.className} has no ${field})`, value);
    }
    const l1 = Number(spec.config?.l1 ?? 0);
    const l2 = Number(spec.config?.l2 ?? 0);
    if (!(l1 >= 0 && l2 >= 0)) throw this.fail(field, 'non-negative l1 and l2', value);
    return { ...(l1 > 0 ? { l1 } : {}), ...(l2 > 0 ? { l2 } : {}) };
  }

  /** Constraints and activity regularizers have no Loom counterpart; the import refuses them. */
  noConstraints(fields: string[]): void {
    for (const field of fields) this.unsupported(field, 'null (Loom has no weight constraints or activity regularizers)');
  }
}
