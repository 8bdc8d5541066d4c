export { expectTensorsClose } from './expect-tensors-close.js';
export type { TensorLike, Tolerance } from './expect-tensors-close.js';
export { expectNoLeakedTensors } from './expect-no-leaked-tensors.js';
export { checkGradients } from './check-gradients.js';
export type { GradientCheckOptions, GradientCheckResult, GradientMismatch } from './check-gradients.js';
