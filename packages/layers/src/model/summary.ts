import { formatShape, type Shape } from '../core/shape.js';
import type { Model } from './model.js';

export interface SummaryRow {
  name: string;
  className: string;
  outputShape: Shape;
  params: number;
  /** Functional models: the tensors the layer reads. The column appears when any row has it. */
  connectedTo?: string;
}

/** Keras-style table: one row per layer, then total / trainable / non-trainable counts. */
export function formatSummary(model: Model, rows: SummaryRow[]): string {
  const withConnections = rows.some((r) => r.connectedTo !== undefined);
  const cells = rows.map((r) => [
    `${r.name} (${r.className})`,
    formatShape(r.outputShape),
    r.params.toLocaleString('en-US'),
    ...(withConnections ? [r.connectedTo ?? ''] : []),
  ]);
  const header = ['Layer (type)', 'Output shape', 'Params', ...(withConnections ? ['Connected to'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)) + 2);
  const line = (c: string[]) => c.map((text, i) => (i === 2 ? text.padStart(widths[i]!) : i === 3 ? `  ${text}` : text.padEnd(widths[i]!))).join('').trimEnd();
  const rule = '─'.repeat(Math.max(...[header, ...cells].map((c) => line(c).length)));
  const count = (variables: { size: number }[]) => variables.reduce((sum, v) => sum + v.size, 0);
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  return [
    `Model: ${model.name} (${model.className})`,
    rule,
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${(trainable + nonTrainable).toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${nonTrainable.toLocaleString('en-US')}`,
  ].join('\n');
}
