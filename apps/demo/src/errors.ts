import { CommanderError } from 'commander';
import { DataValidationError, EnsembleError } from '@ensemble/protocol';
import type { DataProblem, EnsembleErrorCode } from '@ensemble/protocol';
import type { CliIo } from './io';

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

/** Error codes that mean the input (data, config, names, paths) was wrong: exit 2. */
const BAD_INPUT_CODES: ReadonlySet<EnsembleErrorCode> = new Set([
  'DATA_INVALID',
  'DATA_NOT_FOUND',
  'CONFIG_INVALID',
  'STRATEGY_NOT_FOUND',
  'IO_FAILED',
]);

/** One problem as `file:line  column  rule  message`. */
export function formatProblemLine(problem: DataProblem): string {
  const where = problem.file === undefined ? (problem.row === undefined ? '' : `line ${problem.row}`) : problem.row === undefined ? problem.file : `${problem.file}:${problem.row}`;
  const column = problem.field === undefined ? '' : `column "${problem.field}"`;
  return [where, column, `[${problem.rule}]`, problem.message].filter((part) => part !== '').join('  ');
}

/** Every problem of a data validation error, one per line, with a header. */
export function formatDataValidationError(error: DataValidationError): string {
  const count = `${error.problems.length}${error.truncated ? '+' : ''}`;
  const lines = [`error: invalid market data (${count} problem${error.problems.length === 1 && !error.truncated ? '' : 's'}):`];
  for (const problem of error.problems) lines.push(`  ${formatProblemLine(problem)}`);
  if (error.truncated) lines.push('  … more problems not listed; raise --max-problems to see them');
  return `${lines.join('\n')}\n`;
}

function stackOf(error: unknown): string {
  return error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : '';
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
    io.stderr.write(`error: ${error.message}\n`);
    if (debug) io.stderr.write(stackOf(error));
    return BAD_INPUT_CODES.has(error.code) ? ExitCode.badInput : ExitCode.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`error: unexpected failure: ${message.split('\n')[0] ?? ''}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug) io.stderr.write(stackOf(error));
  return ExitCode.failure;
}
