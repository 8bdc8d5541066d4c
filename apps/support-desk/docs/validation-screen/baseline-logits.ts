// The TF-IDF baseline's validation logits for ensemble.py: trained on the training part of the
// split written by dump-split.ts, scored on its validation share (the test split is not read).
// Run from apps/support-desk: npx tsx docs/validation-screen/baseline-logits.ts /tmp/split.json /tmp/baseline.json
import { readFileSync, writeFileSync } from 'node:fs';
import { baselineLogits, trainBaseline } from '../../src/train-model.js';

const split = JSON.parse(readFileSync(process.argv[2] ?? 'split.json', 'utf8')) as { train: { texts: string[]; labels: number[] }; validation: { texts: string[] } };
const baseline = trainBaseline({ texts: split.train.texts, labels: Int32Array.from(split.train.labels) }, 77, 42);
writeFileSync(process.argv[3] ?? 'baseline.json', JSON.stringify(Array.from(baselineLogits(baseline, split.validation.texts))));
