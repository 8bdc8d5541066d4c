import type { GradConfig, KernelConfig } from '@tensorflow/tfjs-core';
import { attentionConfigs } from './attention.js';
import { fusedBiasActivationGradients } from './fused-bias-activation.js';
import { gruSequenceConfigs } from './gru-sequence.js';
import { layerNormConfigs } from './layer-norm.js';
import { lstmSequenceConfigs } from './lstm-sequence.js';
import { optimizerUpdateKernels } from './optimizer-updates.js';
import { simpleRnnSequenceConfigs } from './simple-rnn-sequence.js';
import { softmaxCrossEntropyConfigs } from './softmax-cross-entropy.js';

/** Loom's fused kernels (backend-neutral sources: wasm heap views or cpu arrays) and their gradient configs: the recurrent sequences, layer normalisation, attention and softmax cross-entropy, and the optimizer updates (no gradients); plus gradients for tfjs's own `FusedConv2D` and `_FusedMatMul` (fused-bias-activation.ts). */
export function fusedKernels(): { kernels: Omit<KernelConfig, 'backendName'>[]; gradients: GradConfig[] } {
  const groups = [lstmSequenceConfigs, gruSequenceConfigs, simpleRnnSequenceConfigs, layerNormConfigs, attentionConfigs, softmaxCrossEntropyConfigs];
  return {
    kernels: [...groups.flatMap((g) => [g.forward, g.backward]), ...optimizerUpdateKernels],
    gradients: [...groups.map((g) => g.gradient), ...fusedBiasActivationGradients],
  };
}
