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
 * to write stdout or stderr (a full disk) makes an exit code of 0 a 1. Once `main` has returned
 * and stdout and stderr have drained, the process ends, whatever handles are still open (a
 * strategy file's timer). While `main` runs, `process.exit` throws (the code that called it fails
 * with that error; use the exit code `main` returns), and an event loop left empty while `main`
 * still waits exits 2 with a message, where Node would exit 13 without one.
 */
export async function runAsProcess(main: (argv: readonly string[]) => Promise<number>, options: RunAsProcessOptions = {}): Promise<void> {
  const invokedFrom = process.env.INIT_CWD;
  if (options.fromInvocationDirectory === true && invokedFrom !== undefined && invokedFrom !== '' && invokedFrom !== process.cwd()) {
    process.chdir(invokedFrom);
  }
  const guard = guardProcess();
  let code: number;
  try {
    code = await main(process.argv);
  } finally {
    guard.release();
  }
  // A full disk behind `> file` (not a closed pipe): what the command wrote there is incomplete.
  process.exitCode = code === 0 && outputStreamFailure() !== null ? 1 : code;
  // The command is done: a handle a strategy file left open (a timer, a client it connected) must
  // not keep the process alive once what it wrote has reached stdout and stderr. A write that
  // fails meanwhile (the disk filled by the last of it) makes the exit code 1 still.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  exitProcess(code === 0 && outputStreamFailure() !== null ? 1 : code);
}

/** The strategy files being imported now, as given: named if the import never ends (see {@link guardProcess}). */
const importing = new Set<string>();

/** Runs `load`, the import of the strategy file `file` (as given), naming it meanwhile as the one being imported. */
export async function whileImporting<T>(file: string, load: () => Promise<T>): Promise<T> {
  importing.add(file);
  // An import whose top-level await waits on something a timer of its own keeps alive never ends,
  // and the loop is never empty for the guard to say so: after a while, a note says what is waited on.
  const slow = setTimeout(() => {
    process.stderr.write(`note: still importing the strategy file ${file} after ${String(SLOW_IMPORT_MS / 1000)} s: its top-level code (or a module it imports) has not finished — a top-level await that waits on something that never comes? (Ctrl-C stops)\n`);
  }, SLOW_IMPORT_MS);
  slow.unref();
  try {
    return await load();
  } finally {
    clearTimeout(slow);
    importing.delete(file);
  }
}

/** How long a strategy file's import may take before a note says it is still going. */
const SLOW_IMPORT_MS = 20_000;

/** Node's own `process.exit`, kept before {@link guardProcess} stands in for it. */
const nodeExit = process.exit.bind(process);

/** Ends the process with `code`: the CLI's own way out (a signal's cleanup), which the guard lets through. */
export function exitProcess(code: number): never {
  return nodeExit(code);
}

/** Resolves once what was written to `stream` before has been handed to the system (at once when it cannot be written any more). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) {
      resolve();
      return;
    }
    try {
      stream.write('', () => {
        resolve();
      });
    } catch {
      resolve();
    }
  });
}

/**
 * While a command runs: `process.exit` called by a strategy file (or a module it imports) throws
 * instead of ending the process, so that the strategy fails with it, named, as any error it
 * throws (exit 1) — it ended the process with its own code, 0 included, and nothing written; and
 * an event loop left empty while the command still waits (a strategy file's top-level `await`
 * that nothing settles) is said as such, exit 2, where Node exits 13 without a word.
 */
function guardProcess(): { release: () => void } {
  process.exit = ((code?: number | string | null) => {
    // Node's own exit after an uncaught error goes through.
    if ((process as { _exiting?: boolean })._exiting === true) return nodeExit(code);
    throw new Error(`process.exit(${String(code ?? '')}) was called while the command ran: a strategy (or a module it imports) must return or throw, never end the process`);
  });
  const stuck = (): void => {
    const files = [...importing];
    const why =
      files.length === 0
        ? 'it waits on a promise that nothing can settle any more (a strategy file\'s top-level await, or a module it imports?)'
        : `the strategy file ${files.join(', ')} (or a module it imports), being imported, has a top-level await that nothing settles; fix its top-level code`;
    process.stderr.write(`error: the command was left waiting for something that can never happen: ${why}\n`);
    nodeExit(2);
  };
  process.on('beforeExit', stuck);
  return {
    release: () => {
      process.exit = nodeExit;
      process.off('beforeExit', stuck);
    },
  };
}
