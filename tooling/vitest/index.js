// @ts-check
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Vitest config shared by every package: workspace packages resolve to their TypeScript source
 * through the `@ensemble/source` export condition, so tests need no build.
 *
 * @param {import('vitest/config').ViteUserConfig['test']} [test] extra test options
 */
export function createVitestConfig(test = {}) {
  // In CI every package also writes a JSON report, summed into one closing line by .ci/run.
  const reportDir = process.env.ENSEMBLE_TEST_REPORT_DIR;
  const reports =
    reportDir === undefined || reportDir === ''
      ? {}
      : {
          reporters: ['default', 'json'],
          outputFile: { json: join(reportDir, `${basename(process.cwd())}.json`) },
        };
  return defineConfig({
    resolve: { conditions: ['@ensemble/source', 'module', 'browser', 'development|production'] },
    ssr: { resolve: { conditions: ['@ensemble/source', 'module', 'node', 'development|production'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      typecheck: { enabled: false, include: ['src/**/*.test-d.ts'] },
      // Properties run from a fixed seed (see fast-check-setup.js); a failure prints the seed
      // and path, and `ENSEMBLE_FC_SEED=<seed> pnpm test` replays it.
      setupFiles: [fileURLToPath(new URL('./fast-check-setup.js', import.meta.url))],
      // Timeouts catch a hang, not a slow machine: the suite must pass with both cores busy.
      testTimeout: 120_000,
      hookTimeout: 120_000,
      ...reports,
      ...test,
    },
  });
}
