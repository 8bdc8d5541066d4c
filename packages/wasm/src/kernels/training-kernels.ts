import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2dBackpropFilterConfig, depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop.js';
import { einsumConfig } from './einsum.js';
import { gatherV2Config } from './gather.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { maxPoolGuardConfig } from './max-pool-guard.js';
import { sumConfig } from './sum.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/**
 * Loom's kernels for the wasm backend (backendName is filled in at registration). Needs the
 * stock wasm kernels registered (BatchMatMul wraps the stock one).
 */
export function buildTrainingKernels(): Omit<KernelConfig, 'backendName'>[] {
  const stockBatchMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (stockBatchMatMul === undefined) throw new Error("The stock 'wasm' BatchMatMul kernel is not registered; import @tensorflow/tfjs-backend-wasm first.");
  const stockMaxPool = tf.getKernel(tf.MaxPool, 'wasm');
  if (stockMaxPool === undefined) throw new Error("The stock 'wasm' MaxPool kernel is not registered; import @tensorflow/tfjs-backend-wasm first.");
  const stockGather = tf.getKernel(tf.GatherV2, 'wasm');
  if (stockGather === undefined) throw new Error("The stock 'wasm' GatherV2 kernel is not registered; import @tensorflow/tfjs-backend-wasm first.");
  const stockSum = tf.getKernel(tf.Sum, 'wasm');
  if (stockSum === undefined) throw new Error("The stock 'wasm' Sum kernel is not registered; import @tensorflow/tfjs-backend-wasm first.");
  return [
    batchMatMulConfig(stockBatchMatMul),
    sumConfig(stockSum),
    gatherV2Config(stockGather),
    maxPoolGuardConfig(stockMaxPool),
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig,
    maxPoolGradConfig,
    unsortedSegmentSumConfig,
    depthwiseConv2dBackpropInputConfig,
    depthwiseConv2dBackpropFilterConfig,
    einsumConfig,
    identityConfig,
  ];
}
