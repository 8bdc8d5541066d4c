import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradientConfigs } from './gradient-configs.js';
import { registerGradients } from './register-gradients.js';

describe('registerGradients', () => {
  it('lists tfjs-core 4.22.0 gradients, including those training needs', () => {
    const names = new Set(gradientConfigs.map((config) => config.kernelName));
    expect(names.size).toBeGreaterThanOrEqual(95);
    for (const kernel of ['BatchMatMul', 'Conv2D', 'MaxPool', 'GatherV2', 'DepthwiseConv2dNative', 'Softmax', 'Relu']) {
      expect(names.has(kernel), kernel).toBe(true);
    }
  });

  it('is idempotent: with the test setup having registered them, it adds none', () => {
    expect(registerGradients()).toBe(0);
    expect(tf.getGradient('Square')).toBeDefined();
  });

  it('in a plain Node process using the built dist, registers nothing on import and everything on call (no tfjs-layers)', () => {
    const script = fileURLToPath(new URL('../test/fixtures/gradients-without-layers.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() as string);
    expect(report.gradientsBeforeImportCall).toEqual([]);
    expect(report.loomBackendBeforeInit).toBe(false);
    expect(report.missingGradientError).toMatch(/gradient function not found for Square/i);
    expect(report.added).toBeGreaterThanOrEqual(95);
    expect(report.addedAgain).toBe(0);
    // 2x for x = [[1, -2], [3, 0.5]].
    expect(report.squareGrad).toEqual([2, -4, 6, 1]);
    // Hand computation: z = x W = [[-3.5, -3], [2.5, -2.5]]; r = relu(z) = [[0, 0], [2.5, 0]];
    // dL/dz = 2r = [[0, 0], [5, 0]]; dL/dx = dz W^T = [[0, 0], [2.5, 10]]; dL/dW = x^T dz = [[15, 0], [2.5, 0]].
    expect(report.matMulReluGradX).toEqual([0, 0, 2.5, 10]);
    expect(report.matMulReluGradW).toEqual([15, 0, 2.5, 0]);
  });
});
