import { outputStreamFailure } from './io';

/** Options of {@link runAsProcess}. */
export interface RunAsProcessOptions {
  /**
   * Resolve relative paths against the directory the user ran the package manager from
   * (`INIT_CWD`) instead of the process's working directory: for a script that a package
   * manager starts at the workspace root (`pnpm ensemble …` in the repository). Default false.
   */
  readonly fromInvocationDirectory?: boolean;
}

/**
 * Runs a command-line `main` as this process: `main(process.argv)`'s result becomes the exit code.
 * A closed stdout pipe (`ensemble … --json - | head`) discards what is written after it (see
 * `processIo`): the command still writes its files and exits with its own code; any other failure
 * to write stdout or stderr (a full disk) makes an exit code of 0 a 1.
 */
export async function runAsProcess(main: (argv: readonly string[]) => Promise<number>, options: RunAsProcessOptions = {}): Promise<void> {
  const invokedFrom = process.env.INIT_CWD;
  if (options.fromInvocationDirectory === true && invokedFrom !== undefined && invokedFrom !== '' && invokedFrom !== process.cwd()) {
    process.chdir(invokedFrom);
  }
  const code = await main(process.argv);
  // A full disk behind `> file` (not a closed pipe): what the command wrote there is incomplete.
  process.exitCode = code === 0 && outputStreamFailure() !== null ? 1 : code;
}
