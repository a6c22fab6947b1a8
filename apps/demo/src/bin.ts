#!/usr/bin/env node
import { main } from './cli';

// `pnpm ensemble …` runs with the repository root as its working directory; resolve relative
// paths (data files, configs, output files) against the directory the user ran it from.
const invokedFrom = process.env.INIT_CWD;
if (invokedFrom !== undefined && invokedFrom !== '' && invokedFrom !== process.cwd()) {
  process.chdir(invokedFrom);
}

// A closed pipe (`ensemble … --json - | head`) is not an error: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
