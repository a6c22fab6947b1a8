import { defineConfig } from 'tsup';

export default defineConfig({
  // The root (Node: worker pools, files), the browser-safe statistics, the worker threads' entry and the module it runs jobs with.
  entry: { index: 'src/index.ts', 'statistics/index': 'src/statistics/index.ts', 'job-worker': 'src/executor/job-worker.ts', 'job-thread': 'src/executor/job-thread.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
