import { createLibraryConfig } from '@ensemble/tsup-config';

// The root (Node: worker pools, files), the browser-safe statistics, and the worker threads' entry.
export default createLibraryConfig({ index: 'src/index.ts', 'statistics/index': 'src/statistics/index.ts', 'job-worker': 'src/executor/job-worker.ts' });
