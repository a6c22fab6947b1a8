/** Somewhere text can be written: `process.stdout`, `process.stderr` or a test buffer. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Everything the CLI touches outside itself, injectable so tests run it in-process: the two
 * output streams, the environment and the working directory that relative paths resolve against.
 */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Streams whose closed-pipe errors are already ignored (see {@link processIo}). */
const quieted = new WeakSet<NodeJS.WritableStream>();

/** The first error writing to stdout or stderr other than a closed pipe (see {@link quietOnClosedPipe}), or null. */
let streamFailure: NodeJS.ErrnoException | null = null;

/**
 * The first error writing to the process's stdout or stderr other than a closed pipe — a full disk
 * behind `> result.json` (ENOSPC), a failing device —, or null: the command then exits 1, as
 * what it wrote there is incomplete.
 */
export function outputStreamFailure(): NodeJS.ErrnoException | null {
  return streamFailure;
}

/**
 * A closed pipe on `stream` (its reader gone: `ensemble … | head`) no longer fails the process:
 * what is written after it is discarded (the stream is destroyed; `writeChunks` stops waiting on
 * it), and the command goes on to write its files and exits with its own code. Any other error of
 * the stream (a full disk behind `> file`) is said in one line on stderr — it was thrown from the
 * stream's event, a stack trace from inside Node — and kept for the exit code
 * ({@link outputStreamFailure}); what is written after it is discarded too.
 */
function quietOnClosedPipe(stream: NodeJS.WritableStream & { destroy?: () => unknown }): void {
  if (quieted.has(stream)) return;
  quieted.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    if (streamFailure !== null) return;
    streamFailure = error;
    stream.destroy?.();
    // The error can come after the command has returned its code (a file behind stdout is written
    // in the background): a success becomes a failure here too.
    if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = 1;
    const name = stream === process.stdout ? 'standard output' : 'standard error';
    const why = error.code === 'ENOSPC' ? 'no space left on the device' : error.message;
    // Said on stderr unless stderr is what failed.
    if (stream !== process.stderr) process.stderr.write(`error: could not write to ${name}: ${why}${error.code === undefined ? '' : ` (${error.code})`}; what was written there is incomplete\n`);
  });
}

/**
 * The real process streams, environment and working directory. A closed pipe on stdout or stderr
 * discards what is written to it from then on; the command still runs to its end and its exit
 * code (a sweep that failed exits 1 even when `| head` stopped reading its summary).
 */
export function processIo(): CliIo {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** A {@link CliIo} that keeps what is written, for tests. */
export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  readonly out: () => string;
  /** Everything written to stderr so far. */
  readonly err: () => string;
  /** Each write to stderr so far, in order. */
  readonly errWrites: () => readonly string[];
}

/**
 * Creates an in-memory {@link CapturedIo}; `env` and `cwd` default to empty and the process's.
 * With `terminal: true` its stderr claims to be a terminal (`isTTY`, 120 × 30), so what the CLI
 * draws only on a terminal (progress) is drawn and kept.
 */
export function createCapturedIo(options: { env?: Record<string, string | undefined>; cwd?: string; terminal?: boolean } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const plain: TextSink = { write: (text: string) => err.push(text) };
  const terminal = { ...plain, isTTY: true, columns: 120, rows: 30, on: () => terminal };
  return {
    stdout: { write: (text: string) => out.push(text) },
    stderr: options.terminal === true ? terminal : plain,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: () => out.join(''),
    err: () => err.join(''),
    errWrites: () => [...err],
  };
}
