import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { quoteValue } from '@ensemble/protocol';
import { LOG_LEVELS } from './logger';
import type { LogLevel } from './logger';

/** Parses a positive integer option value, or fails with a usage error (exit 2). */
export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got ${quoteValue(value)}`);
  return parsed;
}

/** Parses a count of decimals from 0 to 20, or fails with a usage error (exit 2). */
export function decimalPlaces(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 20 || value.trim() === '') throw new InvalidArgumentError(`expected a whole number of decimals from 0 to 20, got ${quoteValue(value)}`);
  return parsed;
}

/** The global options every command can read. */
export interface GlobalOptions {
  readonly debug?: boolean;
  readonly logLevel?: LogLevel;
  /** `--log-json`: JSON log lines even on a terminal. */
  readonly logJson?: boolean;
}

/** The global options (`--debug`, `--log-level`, `--log-json`) as seen from `command`. */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ debug?: boolean; logLevel?: string; logJson?: boolean }>();
  const level = LOG_LEVELS.find((candidate) => candidate === options.logLevel);
  return {
    ...(options.debug === undefined ? {} : { debug: options.debug }),
    ...(level === undefined ? {} : { logLevel: level }),
    ...(options.logJson === undefined ? {} : { logJson: options.logJson }),
  };
}
