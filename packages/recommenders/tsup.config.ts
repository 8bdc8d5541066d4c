import { defineConfig } from 'tsup';

// Three entries: `.` runs anywhere (no Node builtin is reachable from it); `./spark` (Spark ALS
// factors as Parquet) runs anywhere too, apart so the main bundle carries no Parquet code; `./node` holds file I/O.
export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/spark.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
