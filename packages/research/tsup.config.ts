import { defineConfig } from 'tsup';

export default defineConfig({
  // The package root and `./statistics` are the same module until the Node-only parts arrive.
  entry: { 'statistics/index': 'src/statistics/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
