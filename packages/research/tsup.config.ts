import { createLibraryConfig } from '@ensemble/tsup-config';

// The root (Node: worker pools, files), the browser-safe statistics, the worker threads' entry and the module it runs jobs with.
export default createLibraryConfig({
  index: 'src/index.ts',
  'statistics/index': 'src/statistics/index.ts',
  'job-worker': 'src/executor/job-worker.ts',
  'job-thread': 'src/executor/job-thread.ts',
});
