// Public API of @loom-ml/data: an explicit list of named re-exports. It runs anywhere; the
// file readers are in './node.ts' (the '@loom-ml/data/node' entry).
export { LoomError, DataError } from './errors.js';
export { parseIdx, readIdx } from './loaders/idx.js';
export type { IdxArray, IdxData, ReadIdxOptions } from './loaders/idx.js';
export { isGzip, readBytes } from './loaders/byte-input.js';
export type { ByteInput, ReadBytesOptions } from './loaders/byte-input.js';
export { CsvParser, CsvError } from './loaders/csv-parser.js';
export type { CsvRecord, CsvErrorReason, CsvParserOptions } from './loaders/csv-parser.js';
export type { InvalidUtf8 } from './loaders/utf8-decoder.js';
export { parseCsv, readCsv, streamCsv, CsvRowReader } from './loaders/csv.js';
export type { BadRow, ColumnSpec, ColumnType, CsvInput, CsvOptions, CsvReport, CsvRow, CsvRowOf, CsvSchema, CsvValue, MissingPolicy } from './loaders/csv.js';
export type { ChunkSource } from './loaders/chunk-source.js';
export { Dataset, batchToTensors, seededRandom } from './dataset.js';
export type { ToTensorsOptions } from './dataset.js';
export { Tokenizer, PADDING_ID, OUT_OF_VOCABULARY_ID } from './transforms/tokenizer.js';
export type { TokenizerOptions, SequenceOptions, Sequences, TokenizerJSON } from './transforms/tokenizer.js';
export { BpeTokenizer } from './transforms/bpe-tokenizer.js';
export type { BpeTrainOptions, BpeLoadOptions, BpeEncodeOptions, BpeDecodeOptions, BpeTokenizerJSON } from './transforms/bpe-tokenizer.js';
export { StandardScaler, MinMaxScaler } from './transforms/scalers.js';
export type { ScalerJSON } from './transforms/scalers.js';
export { trainTestSplit, kFold, timeSplit } from './splits/train-test-split.js';
export type { SplitOptions } from './splits/train-test-split.js';
export { StringLookup, hashBucket } from './transforms/string-lookup.js';
export type { StringLookupJSON } from './transforms/string-lookup.js';
export { streamJsonLines, parseJsonLines, type JsonLinesOptions } from './loaders/json-lines.js';
