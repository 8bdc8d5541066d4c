import { defineConfig } from 'tsup';

// Two entries: `.` runs anywhere (no Node builtin is reachable from it); `./node` writes files.
export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
