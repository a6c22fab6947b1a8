import { createLibraryConfig } from '@ensemble/tsup-config';

export default createLibraryConfig({ index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' });
