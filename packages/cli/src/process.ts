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
 * Runs a command-line `main` as this process: `main(process.argv)`'s result becomes the exit code,
 * and a closed stdout pipe (`ensemble … --json - | head`) ends the process quietly with 0.
 */
export async function runAsProcess(main: (argv: readonly string[]) => Promise<number>, options: RunAsProcessOptions = {}): Promise<void> {
  const invokedFrom = process.env.INIT_CWD;
  if (options.fromInvocationDirectory === true && invokedFrom !== undefined && invokedFrom !== '' && invokedFrom !== process.cwd()) {
    process.chdir(invokedFrom);
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.exitCode = await main(process.argv);
}
