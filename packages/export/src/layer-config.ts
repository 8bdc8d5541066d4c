import type { Layer } from '@loom-ml/layers';
import { describeValue } from '@loom-ml/core';
import { ExportError, invalidValue } from './errors.js';

/**
 * Fields every layer config may have, which no exporter needs to read (`seed` only chose the
 * initial weights and training's dropout masks; the exported weights are the values themselves).
 */
const COMMON = ['name', 'inputShape', 'trainable', 'seed'];

/**
 * Reads one layer's Loom config (`layer.getConfig()`) for an exporter, and refuses options it
 * did not read: a layer that gains an option the target format cannot express (a mask, a
 * cache) fails with its name instead of being written without it.
 *
 * @example
 * const c = new LayerConfig(layer, layer.getConfig(), 'exportOnnx');
 * const units = c.number('units'); c.done();
 */
export class LayerConfig {
  private readonly read = new Set<string>(COMMON);

  constructor(
    readonly layer: Layer,
    private readonly config: Record<string, unknown>,
    readonly exporter: string,
  ) {}

  /** "Dense 'dense_1' (exportOnnx)", for messages. */
  get where(): string {
    return `${this.layer.describe()} (${this.exporter})`;
  }

  get name(): string {
    return this.layer.name;
  }

  get className(): string {
    return this.layer.className;
  }

  raw(field: string): unknown {
    this.read.add(field);
    return this.config[field];
  }

  value<T>(field: string, fallback: T): T {
    const value = this.raw(field);
    return (value === undefined || value === null ? fallback : value) as T;
  }

  number(field: string, fallback?: number): number {
    const value = this.value<unknown>(field, fallback);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidValue(field, this.where, 'a number', value ?? null);
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.value<unknown>(field, fallback);
    if (typeof value !== 'boolean') throw invalidValue(field, this.where, 'true or false', value);
    return value;
  }

  /** `3` or `[3, 3]` → `length` numbers. */
  tuple(field: string, length: number, fallback: number | number[]): number[] {
    const value = this.value<unknown>(field, fallback);
    const list = typeof value === 'number' ? Array<number>(length).fill(value) : value;
    if (!(Array.isArray(list) && list.length === length && list.every((v) => Number.isInteger(v) && v > 0))) {
      throw invalidValue(field, this.where, `${length} positive integers`, value);
    }
    return list as number[];
  }

  /** Marks fields that do not change what the layer computes at inference (initializers, regularizers). */
  ignore(...fields: string[]): void {
    for (const field of fields) this.read.add(field);
  }

  /** Throws for any option the exporter did not read whose value is not neutral (absent, null, false). */
  done(): void {
    for (const [field, value] of Object.entries(this.config)) {
      if (this.read.has(field) || value === undefined || value === null || value === false) continue;
      throw new ExportError(
        `${this.exporter} cannot write \`${field}\` of ${this.layer.describe()} (${describeValue(value)}): the exporter does not know this option. Remove it from the layer, or export a model without it.`,
      );
    }
  }
}
