/** A shape with the batch (and any unknown) dimension as `null`: `[null, 28, 28, 1]`. */
export type Shape = (number | null)[];

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}

/** Product of the known dimensions; throws through `where` when one is unknown. */
export function sizeOf(shape: readonly (number | null)[], describe: () => Error): number {
  let size = 1;
  for (const d of shape) {
    if (d === null) throw describe();
    size *= d;
  }
  return size;
}

/** Output length of a windowed op (conv/pool) along one axis, as tfjs computes it. */
export function windowOutputLength(length: number | null, window: number, stride: number, padding: 'same' | 'valid', dilation = 1): number | null {
  if (length === null) return null;
  const effective = (window - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(length / stride) : Math.floor((length - effective) / stride) + 1;
}
