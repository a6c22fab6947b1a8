import { createVitestConfig } from '@ensemble/vitest-config';

export default createVitestConfig({ typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] } });
