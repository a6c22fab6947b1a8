/** A log method in pino's shape: an object of fields and an optional message, or a message. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * The logger libraries accept: a structural subset of pino's `Logger`, so a pino instance can be
 * passed as is. Libraries never create one; they default to {@link noopLogger}.
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every event, e.g. `{ component: 'engine', runId }`. */
  child(bindings: Record<string, unknown>): Logger;
}

const ignore: LogFn = () => undefined;

/** A logger that drops every event: the default of every library. */
export const noopLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => noopLogger,
};

/** One event captured by {@link createMemoryLogger}. */
export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string | undefined;
  readonly fields: Record<string, unknown>;
}

/**
 * A logger that keeps every event in `records`, with the bindings of its parents merged in.
 * For tests and for callers that want the structured events in memory.
 */
export function createMemoryLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log =
      (level: LogRecord['level']): LogFn =>
      (first: object | string, message?: string) => {
        if (typeof first === 'string') {
          records.push({ level, message: first, fields: { ...bindings } });
        } else {
          records.push({ level, message, fields: { ...bindings, ...first } });
        }
      };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { records });
}
