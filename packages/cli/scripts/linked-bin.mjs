#!/usr/bin/env node
// The `ensemble` bin of this package as a folder: the workspace, or a project that installed it
// from a clone (`npm install <clone>/packages/cli`, as the README of `ensemble init` says). It runs
// the build, `dist/bin.js`, which is the published package's bin itself (`publishConfig.bin`);
// this file is not packed. Plain JavaScript: Node runs it without a TypeScript loader.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write(
    `error: this copy of @ensemble/cli is not built (${fileURLToPath(built)} is missing): run \`npx -y pnpm@10.34.9 build\` in the Ensemble clone, or run the CLI from its source there with \`pnpm -s -C <clone> ensemble …\`\n`,
  );
  process.exitCode = 1;
}
