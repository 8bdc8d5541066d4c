import type { KernelConfig } from '@tensorflow/tfjs-core';

/** Loom's kernels for the wasm backend (backendName is filled in at registration). */
export const trainingKernels: Omit<KernelConfig, 'backendName'>[] = [];
