import { createLibraryConfig } from '@ensemble/tsup-config';

export default createLibraryConfig(['src/index.ts', 'src/testing/index.ts', 'src/testing/vitest.ts']);
