import type { Logger } from '@ensemble/protocol';
import { pino } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { CliIo, TextSink } from './io';

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/** A level of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log events are written: JSON lines, or pino-pretty's readable lines. */
export interface CliLoggerOptions {
  /** Force JSON lines (`--log-json`); otherwise pretty lines when stderr is a terminal. */
  readonly json?: boolean;
}

function isTerminal(sink: TextSink): boolean {
  return (sink as { isTTY?: boolean }).isTTY === true;
}

/**
 * The CLI's pino logger on the CLI's stderr at `level` (default `warn`, so libraries' `info`
 * events stay quiet unless asked for): readable pino-pretty lines on a terminal, JSON lines
 * otherwise or with `json: true`.
 */
export function createCliLogger(io: CliIo, level: LogLevel = 'warn', options: CliLoggerOptions = {}): Logger {
  const json = options.json === true || !isTerminal(io.stderr);
  if (json) return pino({ level, base: { app: 'ensemble' } }, { write: (line: string) => io.stderr.write(line) });
  const prettify = prettyFactory({
    colorize: io.env.NO_COLOR === undefined,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,app',
  });
  return pino({ level, base: { app: 'ensemble' } }, { write: (line: string) => io.stderr.write(prettify(line)) });
}
