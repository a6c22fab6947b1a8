// `pnpm ensemble …` in the repository: the CLI from its TypeScript source (through tsx and the
// `@ensemble/source` condition), started by pnpm at the workspace root, so relative paths (data
// files, configs, outputs) resolve against the directory the user ran pnpm from.
import { main } from '../src/cli';
import { runAsProcess } from '../src/process';

await runAsProcess(main, { fromInvocationDirectory: true });
