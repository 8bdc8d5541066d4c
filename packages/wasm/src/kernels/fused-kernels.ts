import type { GradConfig, KernelConfig } from '@tensorflow/tfjs-core';
import { gruSequenceConfigs } from './gru-sequence.js';
import { lstmSequenceConfigs } from './lstm-sequence.js';
import { optimizerUpdateKernels } from './optimizer-updates.js';
import { simpleRnnSequenceConfigs } from './simple-rnn-sequence.js';

/** Loom's fused kernels (backend-neutral sources: wasm heap views or cpu arrays) and their gradient configs: the recurrent sequences, and the optimizer updates (no gradients). */
export function fusedKernels(): { kernels: Omit<KernelConfig, 'backendName'>[]; gradients: GradConfig[] } {
  const groups = [lstmSequenceConfigs, gruSequenceConfigs, simpleRnnSequenceConfigs];
  return {
    kernels: [...groups.flatMap((g) => [g.forward, g.backward]), ...optimizerUpdateKernels],
    gradients: groups.map((g) => g.gradient),
  };
}
