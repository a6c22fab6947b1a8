import { createLibraryConfig } from '@ensemble/tsup-config';

export default createLibraryConfig(['src/index.ts']);
