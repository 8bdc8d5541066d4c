import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as nodeApi from '../src/node.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'BpeTokenizer', 'CsvError', 'CsvParser', 'CsvRowReader', 'DataError', 'Dataset', 'LoomError', 'MinMaxScaler', 'OUT_OF_VOCABULARY_ID',
        'PADDING_ID', 'StandardScaler', 'StringLookup', 'Tokenizer', 'batchToTensors', 'hashBucket', 'isGzip',
        'kFold', 'parseCsv', 'parseIdx', 'parseJsonLines', 'readBytes', 'readCsv', 'readIdx', 'seededRandom',
        'streamCsv', 'streamJsonLines', 'timeSplit', 'trainTestSplit',
      ].sort(),
    );
    expect(Object.keys(nodeApi).sort()).toEqual(['readCsvFile', 'readIdxFile']);
  });

  it('errors carry the shared Loom marker', () => {
    try {
      api.hashBucket('a', -1);
    } catch (error) {
      expect(api.LoomError.isInstance(error)).toBe(true);
      expect((error as Error & Record<symbol, unknown>)[Symbol.for('loom-ml.error')]).toBe(true);
      return;
    }
    throw new Error('hashBucket accepted -1 buckets');
  });
});
