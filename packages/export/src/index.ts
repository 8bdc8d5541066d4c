// Public API of @loom-ml/export: an explicit list of named re-exports.
export { ExportError } from './errors.js';
export { exportTfjsModel, tfjsModelJson, TFJS_LAYERS_VERSION } from './tfjs/export-tfjs-model.js';
export type { TfjsExportArtifacts, TfjsExportWeightSpec } from './tfjs/export-tfjs-model.js';
export { exportOnnx, ONNX_OPSET, ONNX_IR_VERSION } from './onnx/export-onnx.js';
export type { ExportOnnxOptions } from './onnx/export-onnx.js';
