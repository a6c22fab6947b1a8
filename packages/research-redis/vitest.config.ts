import { createVitestConfig } from '@ensemble/vitest-config';

export default createVitestConfig();
