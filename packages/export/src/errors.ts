import { invalidValueMessage, LoomError } from '@loom-ml/core';

/**
 * Thrown by `@loom-ml/export` when a model cannot be written in the target format: a layer
 * without an equivalent there, or an option of a layer the format cannot express. The message
 * names the layer (class and name) and the field.
 *
 * @example
 * try { await exportTfjsModel(model); } catch (e) { if (e instanceof ExportError) console.log(e.message); }
 */
export class ExportError extends LoomError {}

/** "Invalid value for `activation` in Dense 'dense_1' (exportTfjsModel). Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): ExportError {
  return new ExportError(invalidValueMessage(name, where, expected, received));
}
