// fit's default `verbose: 'auto'`: progress on a terminal, nothing in CI, pipes and browsers.
import * as tf from '@tensorflow/tfjs-core';
import { sgd } from '@loom-ml/optimizers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meanSquaredError, mlp } from '../test/doubles.js';
import { fit, progressBar, showsProgress, TrainError, type FitOptions, type ProgressRuntime } from './index.js';

const terminal = (env: Record<string, string | undefined> = {}): ProgressRuntime => ({ process: { stdout: { isTTY: true, write: () => true }, env } });

describe('showsProgress (what verbose: auto decides)', () => {
  it('is on when stdout is a terminal and CI is not set', () => {
    expect(showsProgress(terminal())).toBe(true);
    // Set but empty, '0' or 'false' count as not CI (as ci-info reads CI=false).
    for (const CI of ['', '0', 'false', 'FALSE']) expect(showsProgress(terminal({ CI }))).toBe(true);
  });

  it('is off in CI (the CI variable set), even on a terminal', () => {
    for (const CI of ['true', '1', 'github']) expect(showsProgress(terminal({ CI }))).toBe(false);
  });

  it('is off when stdout is a pipe or a file (not a TTY)', () => {
    expect(showsProgress({ process: { stdout: { isTTY: false, write: () => true }, env: {} } })).toBe(false);
    expect(showsProgress({ process: { stdout: { write: () => true }, env: {} } })).toBe(false);
  });

  it('is off in a browser or worker (no process at all)', () => {
    expect(showsProgress({})).toBe(false);
  });
});

describe("fit's verbose option", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  /** Runs a one-epoch fit with process.stdout made a TTY (or not) and returns what it printed. */
  async function printed(isTTY: boolean, options: Partial<FitOptions>): Promise<string> {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => (written.push(String(text)), true));
    const descriptor = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true, writable: true });
    const model = mlp([2, 1], { seed: 1 });
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.tensor2d([[1], [2]]);
    try {
      await fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.01 }), batchSize: 2, seed: 1, ...options });
    } finally {
      if (descriptor) Object.defineProperty(process.stdout, 'isTTY', descriptor);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
      tf.dispose([x, y]);
      model.dispose();
    }
    return written.join('');
  }

  it("defaults to 'auto': a progress bar on a terminal outside CI", async () => {
    vi.stubEnv('CI', '');
    expect(await printed(true, {})).toMatch(/^\rEpoch 1\/1 .*loss/);
  });

  it("'auto' prints nothing in CI, even on a terminal", async () => {
    vi.stubEnv('CI', 'true');
    expect(await printed(true, {})).toBe('');
    expect(await printed(true, { verbose: 'auto' })).toBe('');
  });

  it("'auto' prints nothing when stdout is a pipe", async () => {
    vi.stubEnv('CI', '');
    expect(await printed(false, {})).toBe('');
  });

  it('true prints in CI and pipes too (one line per epoch); false prints nothing on a terminal', async () => {
    vi.stubEnv('CI', 'true');
    expect(await printed(false, { verbose: true })).toMatch(/^Epoch 1\/1 - 2 samples .*loss \d/);
    vi.stubEnv('CI', '');
    expect(await printed(true, { verbose: false })).toBe('');
  });

  it('adds no second bar when the callbacks already have a progressBar', async () => {
    vi.stubEnv('CI', '');
    const output = await printed(false, { verbose: true, callbacks: [progressBar()] });
    expect(output.match(/Epoch 1\/1/g)).toHaveLength(1);
  });

  it('refuses anything but true, false or auto', async () => {
    const model = mlp([2, 1], { seed: 1 });
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[1]]);
    await expect(fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.01 }), verbose: 1 as unknown as boolean })).rejects.toThrow(TrainError);
    await expect(fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.01 }), verbose: 'yes' as unknown as boolean })).rejects.toThrow(
      "Invalid value for `verbose` in fit. Expected true, false or 'auto'. Received: 'yes'.",
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});
