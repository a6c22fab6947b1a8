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
  // Events carry `time`, the bar they are about (an ISO date); the wall-clock moment of logging
  // goes under its own key instead of pino's `time`, so a JSON line never holds `time` twice.
  const settings = {
    level,
    base: { app: 'ensemble' },
    timestamp: () => `,"${LOGGED_AT}":${Date.now()}`,
    // pino's default `err` serializer appends each cause's message to the error's own, which
    // already states its cause (`Strategy "x" failed …: bad window: bad window`); keep the
    // message as it is and the cause as a nested error.
    serializers: { err: pino.stdSerializers.errWithCause },
  };
  if (json) return pino(settings, { write: (line: string) => io.stderr.write(line) });
  const prettify = prettyFactory({
    colorize: io.env.NO_COLOR === undefined,
    timestampKey: LOGGED_AT,
    translateTime: 'SYS:HH:MM:ss',
    // pino-pretty never lists a `time` field; an event's bar time leads its message instead.
    messageFormat: '{if time}bar {time}: {end}{msg}',
    ignore: 'pid,hostname,app',
  });
  return pino(settings, { write: (line: string) => io.stderr.write(prettify(line)) });
}

/** The key of the wall-clock time (epoch ms) in every JSON log line. */
export const LOGGED_AT = 'loggedAt';
