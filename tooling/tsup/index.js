// @ts-check
import { defineConfig } from 'tsup';

/**
 * The build every published package shares: ES modules for Node 20 with declarations and source
 * maps, into a cleaned `dist/`. A package names only its entry points (and, rarely, which of
 * them get declarations).
 *
 * @param {import('tsup').Options['entry']} entry the package's entry points
 * @param {Pick<import('tsup').Options, 'dts'>} [options] overrides, e.g. declarations for one entry only
 */
export function createLibraryConfig(entry, options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    ...options,
  });
}
