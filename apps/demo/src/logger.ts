import type { Logger } from '@ensemble/protocol';
import { pino } from 'pino';
import type { CliIo } from './io';

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/** A level of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The CLI's pino logger: JSON lines on the CLI's stderr at `level` (default `warn`, so libraries'
 * `info` events stay quiet unless asked for).
 */
export function createCliLogger(io: CliIo, level: LogLevel = 'warn'): Logger {
  return pino({ level, base: { app: 'ensemble' } }, { write: (line: string) => io.stderr.write(line) });
}
