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
 * `processIo`): the command still writes its files and exits with its own code.
 */
export async function runAsProcess(main: (argv: readonly string[]) => Promise<number>, options: RunAsProcessOptions = {}): Promise<void> {
  const invokedFrom = process.env.INIT_CWD;
  if (options.fromInvocationDirectory === true && invokedFrom !== undefined && invokedFrom !== '' && invokedFrom !== process.cwd()) {
    process.chdir(invokedFrom);
  }
  process.exitCode = await main(process.argv);
}
