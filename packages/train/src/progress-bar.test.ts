import { describe, expect, it, vi } from 'vitest';
import { formatDuration, progressBar, type TrainingContext } from './index.js';

function recorder(isTTY: boolean): { write(text: string): void; isTTY: boolean; output: string[] } {
  const output: string[] = [];
  return { isTTY, output, write: (text: string) => void output.push(text) };
}

const context = { epochs: 3, samplesPerEpoch: 100, stepsPerEpoch: 4 } as TrainingContext;

/** Drives the callback through one epoch of 4 batches of 25 samples, 1 s per batch. */
function runEpoch(callback: ReturnType<typeof progressBar>, clock: { time: number }): void {
  callback.onEpochBegin!(0, context);
  for (let batch = 0; batch < 4; batch++) {
    clock.time += 1000;
    callback.onBatchEnd!(batch, { size: 25, loss: 1 / (batch + 1), accuracy: 0.5 }, context);
  }
  callback.onEpochEnd!(0, { loss: 0.25, accuracy: 0.75, val_loss: 0.3 }, context);
}

describe('progressBar', () => {
  it('redraws one line in place on a TTY with bar, ETA, samples/s, loss and metrics', () => {
    const stream = recorder(true);
    const clock = { time: 0 };
    runEpoch(progressBar({ stream, now: () => clock.time, width: 10 }), clock);
    expect(stream.output[0]).toBe('\rEpoch 1/3 [==>.......] 25/100 ETA 3.0s - 25 samples/s - loss 1.0000 - accuracy 0.5000\x1b[K');
    expect(stream.output[2]).toBe('\rEpoch 1/3 [=======>..] 75/100 ETA 1.0s - 25 samples/s - loss 0.3333 - accuracy 0.5000\x1b[K');
    expect(stream.output[3]).toContain('[==========] 100/100 ETA 0.0s');
    expect(stream.output.at(-1)).toBe('\rEpoch 1/3 - 100 samples - 4.0s - 25 samples/s - loss 0.2500 - accuracy 0.7500 - val_loss 0.3000\x1b[K\n');
    expect(stream.output.every((line) => line.startsWith('\r'))).toBe(true);
  });

  it('prints one plain line per epoch when not a TTY', () => {
    const stream = recorder(false);
    const clock = { time: 0 };
    runEpoch(progressBar({ stream, now: () => clock.time }), clock);
    expect(stream.output).toEqual(['Epoch 1/3 - 100 samples - 4.0s - 25 samples/s - loss 0.2500 - accuracy 0.7500 - val_loss 0.3000\n']);
  });

  it('prints nothing when quiet', () => {
    const stream = recorder(true);
    const clock = { time: 0 };
    runEpoch(progressBar({ stream, quiet: true, now: () => clock.time }), clock);
    expect(stream.output).toEqual([]);
  });

  it('throttles redraws but always draws the last batch', () => {
    const stream = recorder(true);
    const clock = { time: 0 };
    const callback = progressBar({ stream, now: () => clock.time, redrawInterval: 100 });
    callback.onEpochBegin!(0, context);
    for (let batch = 0; batch < 4; batch++) {
      clock.time += 10;
      callback.onBatchEnd!(batch, { size: 25, loss: 1 }, context);
    }
    // Drawn at 10 ms, skipped at 20 and 30 ms, and drawn at 40 ms because the epoch is complete.
    expect(stream.output).toHaveLength(2);
    expect(stream.output[1]).toContain('100/100');
  });

  it('shows a sample count instead of a bar when the epoch size is unknown', () => {
    const stream = recorder(true);
    const clock = { time: 0 };
    const callback = progressBar({ stream, now: () => clock.time });
    const unknown = { epochs: 1, samplesPerEpoch: undefined } as TrainingContext;
    callback.onEpochBegin!(0, unknown);
    clock.time = 500;
    callback.onBatchEnd!(0, { size: 50, loss: 2 }, unknown);
    expect(stream.output[0]).toBe('\rEpoch 1/1 50 samples - 100 samples/s - loss 2.0000\x1b[K');
  });

  it('without `process` (a browser) prints one line per epoch to the console by default', () => {
    const global = globalThis as { process?: unknown };
    const saved = global.process;
    let callback: ReturnType<typeof progressBar>;
    // Only the construction runs without `process`; it is where the default stream is picked.
    global.process = undefined;
    try {
      callback = progressBar({ now: () => 0 });
    } finally {
      global.process = saved;
    }
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      runEpoch(callback, { time: 0 });
      expect(log.mock.calls).toEqual([['Epoch 1/3 - 100 samples - 0.0s - loss 0.2500 - accuracy 0.7500 - val_loss 0.3000']]);
    } finally {
      log.mockRestore();
    }
  });

  it('formats durations', () => {
    expect(formatDuration(400)).toBe('0.4s');
    expect(formatDuration(12_300)).toBe('12s');
    expect(formatDuration(65_000)).toBe('1m 05s');
  });
});
