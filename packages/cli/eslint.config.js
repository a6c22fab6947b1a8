import { createConfig } from '@ensemble/eslint-config';

export default [
  ...createConfig(import.meta.dirname),
  // The research worker's plain-JS entry for runs from source (it registers tsx, so it cannot be TypeScript).
  { ignores: ['src/research-worker-source.mjs'] },
  // The bin of the package as a folder (a clone's workspace or a linked install): plain JS, run without tsx.
  { ignores: ['scripts/linked-bin.mjs'] },
];
