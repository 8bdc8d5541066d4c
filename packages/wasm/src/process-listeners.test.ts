import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initWasm } from './init-wasm.js';

const listeners = () => [process.listeners('uncaughtException'), process.listeners('unhandledRejection')];

describe("initWasm leaves the process's error handling alone", () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([1, 2])('threads %s: adds no uncaughtException/unhandledRejection listener, and dispose() removes none of the application', async (threads) => {
    const applicationHandler = () => undefined;
    process.on('uncaughtException', applicationHandler);
    process.on('unhandledRejection', applicationHandler);
    try {
      const before = listeners();
      const handle = await initWasm({ threads });
      let afterInit: ReturnType<typeof listeners>;
      try {
        afterInit = listeners();
      } finally {
        await handle.dispose();
      }
      expect(afterInit).toEqual(before);
      expect(listeners()).toEqual(before);
    } finally {
      process.removeListener('uncaughtException', applicationHandler);
      process.removeListener('unhandledRejection', applicationHandler);
    }
  });
});
