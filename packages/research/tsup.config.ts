import { defineConfig } from 'tsup';

export default defineConfig({
  // The root (Node: worker pools, files), the browser-safe statistics, and the worker threads' entry.
  entry: { index: 'src/index.ts', 'statistics/index': 'src/statistics/index.ts', 'job-worker': 'src/executor/job-worker.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
