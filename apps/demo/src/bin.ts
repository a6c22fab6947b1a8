import { runAsProcess } from '@ensemble/cli';
import { main } from './demo';

// `pnpm demo` starts at the repository root: `--out` resolves against where pnpm was run.
await runAsProcess(main, { fromInvocationDirectory: true });
