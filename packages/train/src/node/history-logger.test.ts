import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { History, historyToCsv, type TrainingContext } from '../index.js';
import { csvLogger, jsonLogger } from '../node.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'loom-train-logger-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const context = {} as TrainingContext;

describe('history loggers', () => {
  it('history keeps one entry per epoch, NaN where a value is missing', () => {
    const history = new History();
    history.record(0, { loss: 1 });
    history.record(1, { loss: 0.5, val_loss: 0.7 });
    history.record(2, { loss: 0.25 });
    expect(history.values.loss).toEqual([1, 0.5, 0.25]);
    expect(history.values.val_loss).toEqual([Number.NaN, 0.7, Number.NaN]);
    expect(history.toJSON()).toEqual({ epochs: [0, 1, 2], values: { loss: [1, 0.5, 0.25], val_loss: [null, 0.7, null] } });
    expect(historyToCsv(history)).toBe('epoch,loss,val_loss\n0,1,\n1,0.5,0.7\n2,0.25,\n');
  });

  it('csvLogger and jsonLogger rewrite complete files after each epoch, atomically', async () => {
    const csvFile = path.join(directory, 'nested', 'history.csv');
    const jsonFile = path.join(directory, 'history.json');
    const csv = csvLogger(csvFile);
    const json = jsonLogger(jsonFile);
    for (const logger of [csv, json]) logger.onTrainBegin!(context);
    await csv.onEpochEnd!(0, { loss: 2, accuracy: 0.5 }, context);
    await json.onEpochEnd!(0, { loss: 2, accuracy: 0.5 }, context);
    expect(await readFile(csvFile, 'utf8')).toBe('epoch,loss,accuracy\n0,2,0.5\n');
    await csv.onEpochEnd!(1, { loss: 1, accuracy: 0.75, val_loss: 1.5 }, context);
    await json.onEpochEnd!(1, { loss: 1, accuracy: 0.75, val_loss: 1.5 }, context);
    expect(await readFile(csvFile, 'utf8')).toBe('epoch,loss,accuracy,val_loss\n0,2,0.5,\n1,1,0.75,1.5\n');
    expect(JSON.parse(await readFile(jsonFile, 'utf8'))).toEqual({ epochs: [0, 1], values: { loss: [2, 1], accuracy: [0.5, 0.75], val_loss: [null, 1.5] } });
    // No temporary files are left behind.
    expect((await readdir(directory)).sort()).toEqual(['history.json', 'nested']);
  });

  it('validates the path', () => {
    expect(() => csvLogger('')).toThrow("Invalid value for `file` in csvLogger. Expected a non-empty path. Received: ''.");
    expect(() => jsonLogger(3 as never)).toThrow('Invalid value for `file` in jsonLogger. Expected a non-empty path. Received: 3.');
  });
});
