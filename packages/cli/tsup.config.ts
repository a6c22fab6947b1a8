import { createLibraryConfig } from '@ensemble/tsup-config';

export default createLibraryConfig(['src/index.ts', 'src/bin.ts', 'src/research-worker.ts'], { dts: { entry: 'src/index.ts' } });
