import { CommanderError } from 'commander';
import { DataValidationError, EnsembleError, MAX_LINE_LENGTH, MAX_LISTED_PROBLEMS, StrategyError, echoValue, limitLines, quoteValue, safeMessage } from '@ensemble/protocol';
import type { DataProblem, EnsembleErrorCode } from '@ensemble/protocol';
import type { CliIo } from './io';
import { strategyErrorPlace } from './strategy-frames';

/** Exit codes of the CLI: 0 success, 1 run failure, 2 bad input. */
export const ExitCode = { success: 0, failure: 1, badInput: 2 } as const;

/**
 * Thrown by a command that has already reported what went wrong (e.g. as JSON on stdout): the
 * CLI exits with `exitCode` and prints nothing more.
 */
export class CliExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
    this.exitCode = exitCode;
  }
}

/** Error codes that mean the input (data, config, names, paths) was wrong: exit 2 (an `IO_FAILED` of a full disk excepted). */
const BAD_INPUT_CODES: ReadonlySet<EnsembleErrorCode> = new Set([
  'DATA_INVALID',
  'DATA_NOT_FOUND',
  'CONFIG_INVALID',
  'STRATEGY_NOT_FOUND',
  'IO_FAILED',
]);

/** File-system errors of the machine, not of the input: a full disk, a quota, a file too large, a failing device. */
const OUT_OF_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO']);

/**
 * Whether an `IO_FAILED` error came from the machine rather than the input (a disk that filled up
 * while the outputs were written): a failure (exit 1), not bad input (exit 2).
 */
function outOfRoom(error: EnsembleError): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return error.code === 'IO_FAILED' && typeof code === 'string' && OUT_OF_ROOM.has(code);
}

/** One problem as `file:line  column  rule  message`, every part made safe to print. */
export function formatProblemLine(problem: DataProblem): string {
  const file = problem.file === undefined ? undefined : echoValue(problem.file, MAX_LINE_LENGTH);
  const where = file === undefined ? (problem.row === undefined ? '' : `line ${problem.row}`) : problem.row === undefined ? file : `${file}:${problem.row}`;
  const column = problem.field === undefined ? '' : `column ${quoteValue(problem.field)}`;
  const line = [where, column, `[${problem.rule}]`, problem.message].filter((part) => part !== '').join('  ');
  return echoValue(line, MAX_LINE_LENGTH);
}

/**
 * The problems of a data validation error, one per line, with a header: at most 20
 * (`MAX_LISTED_PROBLEMS`), then a line counting the rest, so that one error fits on a screen.
 */
export function formatDataValidationError(error: DataValidationError): string {
  const count = `${error.problems.length}${error.truncated ? '+' : ''}`;
  const subject = echoValue(error.subject);
  const lines = [`error: invalid ${subject} (${count} problem${error.problems.length === 1 && !error.truncated ? '' : 's'}):`];
  lines.push(...limitLines(error.problems, (problem) => `  ${formatProblemLine(problem)}`, { prefix: '  ' }));
  // The screen shows the first 20; more collected are in `--json` (data inspect). Raising
  // --max-problems collects more, which only helps when the listing was not cut already.
  if (error.problems.length > MAX_LISTED_PROBLEMS) lines.push(`  (the first ${String(MAX_LISTED_PROBLEMS)} are listed; \`ensemble data inspect FILE --json\` lists every one collected)`);
  else if (error.truncated) lines.push('  … more problems not listed; raise --max-problems to see them');
  return `${lines.join('\n')}\n`;
}

/** Causes followed by `stackOf`: a strategy's own error is one level down, the chain is never long. */
const MAX_CAUSES = 5;

/**
 * The stack trace of `error`, then of each of its causes (`Caused by: …`): a `StrategyError`'s own
 * stack is the engine's, and the line of the strategy that threw is in its cause's.
 */
function stackOf(error: unknown): string {
  const stacks: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current instanceof Error && !seen.has(current) && stacks.length <= MAX_CAUSES; current = current.cause) {
    seen.add(current);
    const stack = current.stack ?? `${current.name}: ${current.message}`;
    stacks.push(`${stacks.length === 0 ? '' : 'Caused by: '}${safeMessage(stack)}\n`);
  }
  return stacks.join('');
}

/**
 * The hint after a strategy's own error: where it threw — the file and line of the loaded strategy
 * file (or a local file it imports) that threw, the first thing its author needs — and that
 * `--debug` prints the whole stack. None when the engine refused a value the strategy returned
 * (`refused`: its code threw nothing, and the message says what the value must be), for a
 * registry strategy as for a file; none either when strategy files were loaded and the stack
 * passes through none of them. A registry strategy's throw gets the offer of the stack.
 */
function strategyErrorHint(error: EnsembleError, debug: boolean, cwd: string): string {
  if (!StrategyError.isInstance(error) || !(error.cause instanceof Error) || error.refused) return '';
  const at = strategyErrorPlace(error, cwd);
  if (at === undefined) return debug ? '' : ' (run with --debug for the stack trace of what the strategy threw)';
  if (at === null) return '';
  return debug ? ` (${at})` : ` (${at}; run with --debug for the stack trace)`;
}

/**
 * Reports an error the way the CLI promises and returns the exit code: Ensemble input errors
 * (data, config, unknown names, unreadable files) print their message and exit 2; commander usage
 * errors exit 2 (commander has printed them); anything else prints one line and exits 1. With
 * `debug` the stack trace follows.
 */
export function reportError(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof CliExit) return error.exitCode;
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.success : ExitCode.badInput;
  if (DataValidationError.isInstance(error)) {
    io.stderr.write(formatDataValidationError(error));
    if (debug) io.stderr.write(stackOf(error));
    return ExitCode.badInput;
  }
  if (EnsembleError.isInstance(error)) {
    io.stderr.write(`error: ${safeMessage(error.message)}${strategyErrorHint(error, debug, io.cwd)}\n`);
    if (debug) io.stderr.write(stackOf(error));
    return BAD_INPUT_CODES.has(error.code) && !outOfRoom(error) ? ExitCode.badInput : ExitCode.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n', 1)[0] ?? '';
  io.stderr.write(`error: unexpected failure: ${echoValue(first, MAX_LINE_LENGTH)}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug) io.stderr.write(stackOf(error));
  return ExitCode.failure;
}
