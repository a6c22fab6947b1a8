import { createConfig } from '@ensemble/eslint-config';

// The statistics module runs anywhere (browsers included): no Node built-ins or globals there.
// The rest of the package (worker pools, file access) may use Node.
const nodeGlobals = ['process', 'Buffer', '__dirname', '__filename', 'require', 'global', 'setImmediate'];

export default [
  ...createConfig(import.meta.dirname),
  // The worker's plain-JS entry for runs from source (it registers tsx, so it cannot be TypeScript).
  { ignores: ['src/executor/job-thread-source.mjs'] },
  {
    files: ['src/statistics/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test-d.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...nodeGlobals.map((name) => ({ name, message: 'The statistics module is pure: no Node globals outside tests.' })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:|fs$|path$|os$|child_process$|process$|url$|stream$|worker_threads$)',
              message: 'The statistics module is pure: no Node built-ins outside tests.',
            },
            {
              regex: '^\\.\\./(?!statistics/)',
              message: 'The statistics module imports nothing from the rest of the package (which may use Node).',
            },
          ],
        },
      ],
    },
  },
];
